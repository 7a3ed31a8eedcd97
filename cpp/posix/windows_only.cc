// The Windows functions, on a platform without a Service Control Manager or a
// Windows console: each throws one clear, typed error instead of being undefined.
#include <string>

#include "../binding.h"
#include "../common/js_error.h"

namespace servicehost {

namespace {

Napi::Value ThrowWindowsOnly(const Napi::CallbackInfo& info, const char* name) {
  throw MakeError(info.Env(), "ERR_SERVICEHOST_UNSUPPORTED_PLATFORM",
                  std::string(name) +
                      " is only available on Windows: it talks to the Windows Service Control "
                      "Manager or console, which this platform does not have.");
}

}  // namespace

#define SERVICEHOST_WINDOWS_ONLY(Function, name) \
  Napi::Value Function(const Napi::CallbackInfo& info) { return ThrowWindowsOnly(info, name); }

SERVICEHOST_WINDOWS_ONLY(StartDispatcher, "startDispatcher")
SERVICEHOST_WINDOWS_ONLY(SetServiceStatus, "setServiceStatus")
SERVICEHOST_WINDOWS_ONLY(SetControlsAccepted, "setControlsAccepted")
SERVICEHOST_WINDOWS_ONLY(SetDispatcherPolicy, "setDispatcherPolicy")
SERVICEHOST_WINDOWS_ONLY(GetDispatcherStats, "getDispatcherStats")
SERVICEHOST_WINDOWS_ONLY(DebugInvokeControlHandler, "debugInvokeControlHandler")
SERVICEHOST_WINDOWS_ONLY(GetParentProcess, "getParentProcess")
SERVICEHOST_WINDOWS_ONLY(StartConsoleControlHandler, "startConsoleControlHandler")
SERVICEHOST_WINDOWS_ONLY(ReleaseConsoleControl, "releaseConsoleControl")
SERVICEHOST_WINDOWS_ONLY(StopConsoleControlHandler, "stopConsoleControlHandler")
SERVICEHOST_WINDOWS_ONLY(DebugGenerateConsoleControl, "debugGenerateConsoleControl")
SERVICEHOST_WINDOWS_ONLY(DebugInvokeConsoleHandler, "debugInvokeConsoleHandler")
SERVICEHOST_WINDOWS_ONLY(WriteEventLog, "writeEventLog")
SERVICEHOST_WINDOWS_ONLY(CaptureOutput, "captureOutput")
SERVICEHOST_WINDOWS_ONLY(CapturedOutputSizeFromJs, "capturedOutputSize")
SERVICEHOST_WINDOWS_ONLY(SetLogDirectoryAcl, "setLogDirectoryAcl")
SERVICEHOST_WINDOWS_ONLY(FileDacl, "fileDacl")
SERVICEHOST_WINDOWS_ONLY(ScmCreateService, "scmCreateService")
SERVICEHOST_WINDOWS_ONLY(ScmChangeConfig, "scmChangeConfig")
SERVICEHOST_WINDOWS_ONLY(ScmQueryConfig, "scmQueryConfig")
SERVICEHOST_WINDOWS_ONLY(ScmSetConfig2, "scmSetConfig2")
SERVICEHOST_WINDOWS_ONLY(ScmQueryStatus, "scmQueryStatus")
SERVICEHOST_WINDOWS_ONLY(ScmStartService, "scmStartService")
SERVICEHOST_WINDOWS_ONLY(ScmControlService, "scmControlService")
SERVICEHOST_WINDOWS_ONLY(ScmDeleteService, "scmDeleteService")
SERVICEHOST_WINDOWS_ONLY(ScmEnumServices, "scmEnumServices")
SERVICEHOST_WINDOWS_ONLY(ScmSetEnvironment, "scmSetEnvironment")
SERVICEHOST_WINDOWS_ONLY(ScmGetEnvironment, "scmGetEnvironment")
SERVICEHOST_WINDOWS_ONLY(ScmSetServiceValue, "scmSetServiceValue")
SERVICEHOST_WINDOWS_ONLY(ScmGetServiceValue, "scmGetServiceValue")
SERVICEHOST_WINDOWS_ONLY(FileWriters, "fileWriters")
SERVICEHOST_WINDOWS_ONLY(RunElevated, "runElevated")
SERVICEHOST_WINDOWS_ONLY(CreatePrivateDirectory, "createPrivateDirectory")
SERVICEHOST_WINDOWS_ONLY(SetEventLogSource, "setEventLogSource")
SERVICEHOST_WINDOWS_ONLY(GetEventLogSource, "getEventLogSource")
SERVICEHOST_WINDOWS_ONLY(RemoveEventLogSource, "removeEventLogSource")
SERVICEHOST_WINDOWS_ONLY(JoinKillOnCloseJob, "joinKillOnCloseJob")
SERVICEHOST_WINDOWS_ONLY(GetAccountRights, "getAccountRights")
SERVICEHOST_WINDOWS_ONLY(GrantAccountRights, "grantAccountRights")
SERVICEHOST_WINDOWS_ONLY(RevokeAccountRights, "revokeAccountRights")
SERVICEHOST_WINDOWS_ONLY(ProcessState, "processState")

}  // namespace servicehost
