// useErrorClass(ServicehostError): the loader hands in the class every error
// the addon throws is made with.
#include "../binding.h"
#include "js_error.h"

namespace servicehost {

Napi::Value UseErrorClassFromJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsFunction()) throw MakeTypeError(env, "useErrorClass(errorClass): errorClass must be a class");
  UseErrorClass(env, info[0].As<Napi::Function>());
  return env.Undefined();
}

}  // namespace servicehost
