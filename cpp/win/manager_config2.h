// The optional configuration levels (ChangeServiceConfig2W / QueryServiceConfig2W):
// description, delayed auto-start, failure actions and their flag, preshutdown
// timeout, service SID type, required privileges. Main thread only.
#pragma once

#include <windows.h>

#include <napi.h>

namespace servicehost {

// Adds one field per level to `result`. A level the system refuses (Wine
// answers ERROR_INVALID_LEVEL for several) is left out of `result` and named,
// with its error, in result.unavailable.
void AddConfig2Fields(Napi::Env env, SC_HANDLE service, Napi::Object result);

}  // namespace servicehost
