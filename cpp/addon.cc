// Exports only: the addon is one flat object of functions.
#include <napi.h>

#include "binding.h"

namespace {

void Export(Napi::Env env, Napi::Object exports, const char* name, Napi::Function::Callback function) {
  exports[name] = Napi::Function::New(env, function, name);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace servicehost;
  Export(env, exports, "getBuildInfo", GetBuildInfo);
  Export(env, exports, "useErrorClass", UseErrorClassFromJs);
  Export(env, exports, "startDispatcher", StartDispatcher);
  Export(env, exports, "setServiceStatus", SetServiceStatus);
  Export(env, exports, "setControlsAccepted", SetControlsAccepted);
  Export(env, exports, "setDispatcherPolicy", SetDispatcherPolicy);
  Export(env, exports, "getDispatcherStats", GetDispatcherStats);
  Export(env, exports, "debugInvokeControlHandler", DebugInvokeControlHandler);
  Export(env, exports, "getParentProcess", GetParentProcess);
  Export(env, exports, "startConsoleControlHandler", StartConsoleControlHandler);
  Export(env, exports, "releaseConsoleControl", ReleaseConsoleControl);
  Export(env, exports, "stopConsoleControlHandler", StopConsoleControlHandler);
  Export(env, exports, "debugGenerateConsoleControl", DebugGenerateConsoleControl);
  Export(env, exports, "debugInvokeConsoleHandler", DebugInvokeConsoleHandler);
  Export(env, exports, "writeEventLog", WriteEventLog);
  Export(env, exports, "captureOutput", CaptureOutput);
  Export(env, exports, "capturedOutputSize", CapturedOutputSizeFromJs);
  Export(env, exports, "setLogDirectoryAcl", SetLogDirectoryAcl);
  Export(env, exports, "fileDacl", FileDacl);
  Export(env, exports, "scmCreateService", ScmCreateService);
  Export(env, exports, "scmChangeConfig", ScmChangeConfig);
  Export(env, exports, "scmQueryConfig", ScmQueryConfig);
  Export(env, exports, "scmSetConfig2", ScmSetConfig2);
  Export(env, exports, "scmQueryStatus", ScmQueryStatus);
  Export(env, exports, "scmStartService", ScmStartService);
  Export(env, exports, "scmControlService", ScmControlService);
  Export(env, exports, "scmDeleteService", ScmDeleteService);
  Export(env, exports, "scmEnumServices", ScmEnumServices);
  Export(env, exports, "scmSetEnvironment", ScmSetEnvironment);
  Export(env, exports, "scmGetEnvironment", ScmGetEnvironment);
  Export(env, exports, "scmSetServiceValue", ScmSetServiceValue);
  Export(env, exports, "scmGetServiceValue", ScmGetServiceValue);
  Export(env, exports, "fileWriters", FileWriters);
  Export(env, exports, "runElevated", RunElevated);
  Export(env, exports, "createPrivateDirectory", CreatePrivateDirectory);
  Export(env, exports, "setEventLogSource", SetEventLogSource);
  Export(env, exports, "getEventLogSource", GetEventLogSource);
  Export(env, exports, "removeEventLogSource", RemoveEventLogSource);
  Export(env, exports, "joinKillOnCloseJob", JoinKillOnCloseJob);
  Export(env, exports, "getAccountRights", GetAccountRights);
  Export(env, exports, "grantAccountRights", GrantAccountRights);
  Export(env, exports, "revokeAccountRights", RevokeAccountRights);
  Export(env, exports, "processState", ProcessState);
  Export(env, exports, "sdNotify", SdNotify);
  Export(env, exports, "claimInheritedFd", ClaimInheritedFd);
  Export(env, exports, "getXattr", GetXattr);
  return exports;
}

}  // namespace

NODE_API_MODULE(servicehost, Init)
