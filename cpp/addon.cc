// Exports only: the addon is one flat object of functions.
#include <napi.h>

#include "binding.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports["getBuildInfo"] = Napi::Function::New(env, servicehost::GetBuildInfo, "getBuildInfo");
  exports["startDispatcher"] = Napi::Function::New(env, servicehost::StartDispatcher, "startDispatcher");
  exports["setServiceStatus"] = Napi::Function::New(env, servicehost::SetServiceStatus, "setServiceStatus");
  return exports;
}

}  // namespace

NODE_API_MODULE(servicehost, Init)
