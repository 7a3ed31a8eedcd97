// What this binary was built as, so a loader or a bug report can tell which
// build it is talking to.
#include "../binding.h"

namespace servicehost {

Napi::Value GetBuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
#if defined(_WIN32)
  result["platform"] = "win32";
#elif defined(__APPLE__)
  result["platform"] = "darwin";
#else
  result["platform"] = "linux";
#endif
#if defined(__MINGW32__)
  result["toolchain"] = "mingw-w64";
#elif defined(_MSC_VER)
  result["toolchain"] = "msvc";
#elif defined(__clang__)
  result["toolchain"] = "clang";
#else
  result["toolchain"] = "gcc";
#endif
  result["napiVersion"] = Napi::Number::New(env, NAPI_VERSION);
  result["cppExceptions"] = Napi::Boolean::New(env, true);
  return result;
}

}  // namespace servicehost
