// Service Control Manager handles that close themselves, opened with only the
// access rights the caller names: a query never asks for more than it reads;
// and a service's status read from such a handle. Every opener takes the
// machine: empty is this one, `\\server` another one's SCM through its RPC
// (as `sc \\server` and Go's mgr.ConnectRemote do).
// Main thread only.
#pragma once

#include <windows.h>

#include <napi.h>

#include <string>

#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

class ScHandle {
 public:
  explicit ScHandle(SC_HANDLE handle) : handle_(handle) {}
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
  ~ScHandle() {
    if (handle_ != nullptr) CloseServiceHandle(handle_);
  }
  SC_HANDLE get() const { return handle_; }

 private:
  SC_HANDLE handle_;
};

// A machine that cannot be reached fails here, with the RPC's own error
// (RPC_S_SERVER_UNAVAILABLE, ERROR_BAD_NETPATH, ...); this call blocks until
// the RPC gives up, which is why several hosts are asked from child processes.
inline SC_HANDLE OpenManagerOrThrow(Napi::Env env, const std::wstring& machine, DWORD access) {
  SC_HANDLE manager = OpenSCManagerW(machine.empty() ? nullptr : machine.c_str(), nullptr, access);
  if (manager == nullptr) throw Win32Error(env, GetLastError(), "OpenSCManagerW");
  return manager;
}

inline SC_HANDLE OpenServiceOrThrow(Napi::Env env, const std::wstring& machine, const std::wstring& name, DWORD access) {
  ScHandle manager(OpenManagerOrThrow(env, machine, SC_MANAGER_CONNECT));
  SC_HANDLE service = OpenServiceW(manager.get(), name.c_str(), access);
  if (service == nullptr) throw Win32Error(env, GetLastError(), "OpenServiceW");
  return service;
}

inline SERVICE_STATUS_PROCESS QueryStatusOrThrow(Napi::Env env, SC_HANDLE service) {
  SERVICE_STATUS_PROCESS status = {};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof(status), &needed)) {
    throw Win32Error(env, GetLastError(), "QueryServiceStatusEx");
  }
  return status;
}

}  // namespace servicehost
