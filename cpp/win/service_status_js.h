// SERVICE_STATUS and SERVICE_STATUS_PROCESS as the JavaScript objects
// lib/native/ declares (NativeServiceStatus, NativeServiceStatusProcess). Shared by the dispatcher, which reports its own
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

// SERVICE_STATUS_PROCESS: SERVICE_STATUS's fields, then the process and its flags.
inline Napi::Object StatusProcessToJs(Napi::Env env, const SERVICE_STATUS_PROCESS& status) {
  SERVICE_STATUS common = {status.dwServiceType, status.dwCurrentState, status.dwControlsAccepted, status.dwWin32ExitCode,
                           status.dwServiceSpecificExitCode, status.dwCheckPoint, status.dwWaitHint};
  Napi::Object result = StatusToJs(env, common);
  result["serviceType"] = Napi::Number::New(env, status.dwServiceType);
  result["processId"] = Napi::Number::New(env, status.dwProcessId);
  result["serviceFlags"] = Napi::Number::New(env, status.dwServiceFlags);
  return result;
}

}  // namespace servicehost
