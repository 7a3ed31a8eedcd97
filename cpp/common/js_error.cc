#include "js_error.h"

namespace servicehost {

namespace {

Napi::Error WithCode(Napi::Error error, const char* code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  return error;
}

}  // namespace

Napi::Error MakeError(Napi::Env env, const char* code, const std::string& message) {
  return WithCode(Napi::Error::New(env, message), code);
}

Napi::Error MakeTypeError(Napi::Env env, const std::string& message) {
  return WithCode(Napi::TypeError::New(env, message), "ERR_INVALID_ARG_TYPE");
}

Napi::Error MakeRangeError(Napi::Env env, const std::string& message) {
  return WithCode(Napi::RangeError::New(env, message), "ERR_OUT_OF_RANGE");
}

Napi::Error MakeSystemError(Napi::Env env, const std::string& code, int64_t errnum,
                            const char* syscall, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message + " (" + syscall + ": " + code + ")");
  error.Set("code", Napi::String::New(env, code));
  error.Set("errno", Napi::Number::New(env, static_cast<double>(errnum)));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

}  // namespace servicehost
