// Errors that cross into JavaScript. Every one carries a string `code`; system
// errors also carry `errno` (the number) and `syscall` (the API that failed).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace servicehost {

// An error of the addon's own, e.g. ERR_SERVICEHOST_NOT_CONNECTED.
Napi::Error MakeError(Napi::Env env, const char* code, const std::string& message);

// A bad argument: a TypeError (ERR_INVALID_ARG_TYPE) or RangeError (ERR_OUT_OF_RANGE).
Napi::Error MakeTypeError(Napi::Env env, const std::string& message);
Napi::Error MakeRangeError(Napi::Env env, const std::string& message);

// A failed system call: code is the symbolic name (ERROR_ACCESS_DENIED, EACCES).
Napi::Error MakeSystemError(Napi::Env env, const std::string& code, int64_t errnum,
                            const char* syscall, const std::string& message);

}  // namespace servicehost
