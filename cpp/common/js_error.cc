#include "js_error.h"

#include <memory>

namespace servicehost {

namespace {

// Per environment (main thread and each worker): the class JavaScript handed in.
struct ErrorClassData {
  Napi::FunctionReference errorClass;
};

Napi::Error New(Napi::Env env, const std::string& code, const std::string& message) {
  auto* data = env.GetInstanceData<ErrorClassData>();
  if (data != nullptr && !data->errorClass.IsEmpty()) {
    Napi::Object error = data->errorClass.New({Napi::String::New(env, code), Napi::String::New(env, message)});
    return Napi::Error(env, error);
  }
  // Before the loader has run (a caller that loads the .node file itself): a plain Error with its code.
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

}  // namespace

void UseErrorClass(Napi::Env env, Napi::Function errorClass) {
  auto* data = env.GetInstanceData<ErrorClassData>();
  if (data == nullptr) {
    data = new ErrorClassData();
    env.SetInstanceData(data);  // freed with the environment
  }
  data->errorClass = Napi::Persistent(errorClass);
}

Napi::Error MakeError(Napi::Env env, const char* code, const std::string& message) {
  return New(env, code, message);
}

Napi::Error MakeTypeError(Napi::Env env, const std::string& message) {
  return New(env, "ERR_INVALID_ARG_TYPE", message);
}

Napi::Error MakeRangeError(Napi::Env env, const std::string& message) {
  return New(env, "ERR_OUT_OF_RANGE", message);
}

Napi::Error MakeSystemError(Napi::Env env, const std::string& code, int64_t errnum,
                            const char* syscall, const std::string& message) {
  Napi::Error error = New(env, code, message + " (" + syscall + ": " + code + ")");
  error.Set("errno", Napi::Number::New(env, static_cast<double>(errnum)));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

void RaiseUncaught(Napi::Env env, const Napi::Error& error) {
  napi_fatal_exception(env, error.Value());
}

}  // namespace servicehost
