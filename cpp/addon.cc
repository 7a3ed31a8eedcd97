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
  Export(env, exports, "startDispatcher", StartDispatcher);
  Export(env, exports, "setServiceStatus", SetServiceStatus);
  Export(env, exports, "setControlsAccepted", SetControlsAccepted);
  Export(env, exports, "debugInvokeControlHandler", DebugInvokeControlHandler);
  Export(env, exports, "getParentProcess", GetParentProcess);
  Export(env, exports, "startConsoleControlHandler", StartConsoleControlHandler);
  Export(env, exports, "releaseConsoleControl", ReleaseConsoleControl);
  Export(env, exports, "debugGenerateConsoleControl", DebugGenerateConsoleControl);
  Export(env, exports, "debugInvokeConsoleHandler", DebugInvokeConsoleHandler);
  Export(env, exports, "writeEventLog", WriteEventLog);
  Export(env, exports, "sdNotify", SdNotify);
  Export(env, exports, "claimInheritedFd", ClaimInheritedFd);
  return exports;
}

}  // namespace

NODE_API_MODULE(servicehost, Init)
