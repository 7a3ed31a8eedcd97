// The Windows service functions, on a platform without a Service Control
// Manager: each throws one clear, typed error instead of being undefined.
#include <string>

#include "../binding.h"
#include "../common/js_error.h"

namespace servicehost {

namespace {

Napi::Value ThrowWindowsOnly(const Napi::CallbackInfo& info, const char* name) {
  throw MakeError(info.Env(), "ERR_SERVICEHOST_UNSUPPORTED_PLATFORM",
                  std::string(name) +
                      " is only available on Windows: it talks to the Windows Service Control "
                      "Manager, which this platform does not have.");
}

}  // namespace

Napi::Value StartDispatcher(const Napi::CallbackInfo& info) {
  return ThrowWindowsOnly(info, "startDispatcher");
}

Napi::Value SetServiceStatus(const Napi::CallbackInfo& info) {
  return ThrowWindowsOnly(info, "setServiceStatus");
}

}  // namespace servicehost
