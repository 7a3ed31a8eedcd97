// SERVICE_STATUS as the JavaScript object lib/native.ts declares
// (NativeServiceStatus). Shared by the dispatcher, which reports its own
// status, and the manager, which reads other services'. Main thread only.
#pragma once

#include <windows.h>

#include <napi.h>

namespace servicehost {

inline Napi::Object StatusToJs(Napi::Env env, const SERVICE_STATUS& status) {
  Napi::Object result = Napi::Object::New(env);
  result["state"] = Napi::Number::New(env, status.dwCurrentState);
  result["controlsAccepted"] = Napi::Number::New(env, status.dwControlsAccepted);
  result["checkPoint"] = Napi::Number::New(env, status.dwCheckPoint);
  result["waitHint"] = Napi::Number::New(env, status.dwWaitHint);
  result["win32ExitCode"] = Napi::Number::New(env, status.dwWin32ExitCode);
  result["serviceSpecificExitCode"] = Napi::Number::New(env, status.dwServiceSpecificExitCode);
  return result;
}

}  // namespace servicehost
