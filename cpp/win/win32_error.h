// Win32 error codes as JavaScript errors: `code` is the symbolic name
// (ERROR_SERVICE_DOES_NOT_EXIST), `errno` the number, `syscall` the API, and
// the message is the system's own text (FormatMessageW) in UTF-8.
#pragma once

#include <windows.h>

#include <napi.h>

#include <string>

namespace servicehost {

// "ERROR_ACCESS_DENIED" for 5; "WIN32_ERROR_<n>" for a code the table lacks.
std::string Win32ErrorName(DWORD error);

// The system's message for `error`, UTF-8, without the trailing period and newline.
std::string Win32ErrorMessage(DWORD error);

Napi::Error Win32Error(Napi::Env env, DWORD error, const char* syscall);

}  // namespace servicehost
