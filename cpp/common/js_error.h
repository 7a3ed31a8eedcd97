// Errors that cross into JavaScript. Every one carries a string `code`; system
// errors also carry `errno` (the number) and `syscall` (the API that failed).
// Once JavaScript has handed in its error class (UseErrorClass), every error is
// made with it, so the public API throws one kind: ServicehostError.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace servicehost {

// Main thread. Stores `errorClass` (called as `new errorClass(code, message)`) for this environment.
void UseErrorClass(Napi::Env env, Napi::Function errorClass);

// An error of the addon's own, e.g. ERR_SERVICEHOST_NOT_CONNECTED.
Napi::Error MakeError(Napi::Env env, const char* code, const std::string& message);

// A bad argument: ERR_INVALID_ARG_TYPE or ERR_OUT_OF_RANGE.
Napi::Error MakeTypeError(Napi::Env env, const std::string& message);
Napi::Error MakeRangeError(Napi::Env env, const std::string& message);

// A failed system call: code is the symbolic name (ERROR_ACCESS_DENIED, EACCES).
Napi::Error MakeSystemError(Napi::Env env, const std::string& code, int64_t errnum,
                            const char* syscall, const std::string& message);

// Main thread, in a callback the addon makes into JavaScript from a native
// thread's event: `error` goes to process 'uncaughtException' as any other
// uncaught error would, instead of Node's "Uncaught N-API callback exception" warning.
void RaiseUncaught(Napi::Env env, const Napi::Error& error);

}  // namespace servicehost
