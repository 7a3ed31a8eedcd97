// Service detection: a service's parent process is services.exe. One Toolhelp
// snapshot, so detection is instant; it never waits on a failing dispatcher
// (which can block for seconds). Runs on the main thread.
#include <windows.h>

#include <tlhelp32.h>

#include "../binding.h"
#include "win32_error.h"

namespace servicehost {

Napi::Value GetParentProcess(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) throw Win32Error(env, GetLastError(), "CreateToolhelp32Snapshot");
  DWORD self = GetCurrentProcessId();
  DWORD parentId = 0;
  bool foundSelf = false;
  PROCESSENTRY32W entry = {};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snapshot, &entry); more; more = Process32NextW(snapshot, &entry)) {
    if (entry.th32ProcessID == self) {
      parentId = entry.th32ParentProcessID;
      foundSelf = true;
      break;
    }
  }
  std::u16string parentName;
  if (foundSelf) {
    entry.dwSize = sizeof entry;
    for (BOOL more = Process32FirstW(snapshot, &entry); more; more = Process32NextW(snapshot, &entry)) {
      if (entry.th32ProcessID == parentId) {
        parentName = reinterpret_cast<const char16_t*>(entry.szExeFile);
        break;
      }
    }
  }
  CloseHandle(snapshot);
  Napi::Object result = Napi::Object::New(env);
  result["pid"] = Napi::Number::New(env, self);
  result["parentPid"] = Napi::Number::New(env, parentId);
  // Empty when the parent has already exited.
  result["parentName"] = Napi::String::New(env, parentName);
  return result;
}

}  // namespace servicehost
