// The POSIX functions, on Windows: each throws one clear, typed error instead
// of being undefined.
#include <string>

#include "../binding.h"
#include "../common/js_error.h"

namespace servicehost {

namespace {

Napi::Value ThrowPosixOnly(const Napi::CallbackInfo& info, const char* name) {
  throw MakeError(info.Env(), "ERR_SERVICEHOST_UNSUPPORTED_PLATFORM",
                  std::string(name) + " is only available on Linux and macOS: Windows has no AF_UNIX datagram notify socket.");
}

}  // namespace

Napi::Value SdNotify(const Napi::CallbackInfo& info) { return ThrowPosixOnly(info, "sdNotify"); }
Napi::Value ClaimInheritedFd(const Napi::CallbackInfo& info) { return ThrowPosixOnly(info, "claimInheritedFd"); }

}  // namespace servicehost
