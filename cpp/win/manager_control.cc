// Driving and listing services: StartServiceW, ControlServiceExW (bound at run
// time, falling back to ControlService), QueryServiceStatusEx, DeleteService,
// EnumServicesStatusExW. Each opens the service with only the rights the call
// needs. Main thread only.
#include <windows.h>

#include <vector>

#include "../binding.h"
#include "../common/js_error.h"
#include "sc_handle.h"
#include "scm_sdk_names.h"
#include "service_status_js.h"
#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

namespace {

// The right a control code needs, as the SCM checks it.
DWORD AccessForControl(DWORD control) {
  switch (control) {
    case SERVICE_CONTROL_STOP: return SERVICE_STOP;
    case SERVICE_CONTROL_INTERROGATE: return SERVICE_INTERROGATE;
    case SERVICE_CONTROL_PAUSE:
    case SERVICE_CONTROL_CONTINUE:
    case SERVICE_CONTROL_PARAMCHANGE:
    case SERVICE_CONTROL_NETBINDADD:
    case SERVICE_CONTROL_NETBINDREMOVE:
    case SERVICE_CONTROL_NETBINDENABLE:
    case SERVICE_CONTROL_NETBINDDISABLE: return SERVICE_PAUSE_CONTINUE;
    default: return SERVICE_USER_DEFINED_CONTROL;
  }
}

using ControlServiceExWFunction = BOOL(WINAPI*)(SC_HANDLE, DWORD, DWORD, PVOID);

// Looked up once. Wine does not export it, and a static import would abort
// the process on the first call there (see test/windows/README.md).
ControlServiceExWFunction ControlServiceEx() {
  static ControlServiceExWFunction function = [] {
    HMODULE advapi = GetModuleHandleW(L"advapi32.dll");
    return advapi == nullptr ? nullptr
                             : reinterpret_cast<ControlServiceExWFunction>(
                                   reinterpret_cast<void*>(GetProcAddress(advapi, "ControlServiceExW")));
  }();
  return function;
}

}  // namespace

Napi::Value ScmQueryStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectWideString(info[0], "scmQueryStatus(name)");
  ScHandle service(OpenServiceOrThrow(env, MachineArgument(info, 1, "scmQueryStatus(name, machine)"), name, SERVICE_QUERY_STATUS));
  return StatusProcessToJs(env, QueryStatusOrThrow(env, service.get()));
}

Napi::Value ScmStartService(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectWideString(info[0], "scmStartService(name)");
  Napi::Object holder = Napi::Object::New(env);
  holder["args"] = info.Length() > 1 ? info[1] : env.Undefined();
  std::vector<std::wstring> args = OptionalWideStringList(holder, "args", "scmStartService(name, args)");
  std::vector<const wchar_t*> pointers;
  for (const std::wstring& arg : args) pointers.push_back(arg.c_str());
  ScHandle service(OpenServiceOrThrow(env, MachineArgument(info, 2, "scmStartService(name, args, machine)"), name, SERVICE_START));
  if (!StartServiceW(service.get(), static_cast<DWORD>(pointers.size()), pointers.empty() ? nullptr : pointers.data())) {
    throw Win32Error(env, GetLastError(), "StartServiceW");
  }
  return env.Undefined();
}

// scmControlService(name, control, comment?, machine?) → { status, via }. A stop goes
// through ControlServiceExW with a planned-maintenance reason and the comment
// where the system has it; everything else through ControlService.
Napi::Value ScmControlService(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectWideString(info[0], "scmControlService(name)");
  if (info.Length() < 2 || !info[1].IsNumber()) throw MakeTypeError(env, "scmControlService(name, control): control must be a number");
  double requested = info[1].As<Napi::Number>().DoubleValue();
  if (!(requested >= 1 && requested <= kCustomControlMax) || requested != static_cast<double>(static_cast<DWORD>(requested))) {
    throw MakeRangeError(env, "scmControlService(name, control): control must be an integer from 1 to 255");
  }
  DWORD control = static_cast<DWORD>(requested);
  std::wstring comment = info.Length() > 2 && !info[2].IsUndefined() ? ExpectWideString(info[2], "scmControlService(name, control, comment)", true) : L"";

  std::wstring machine = MachineArgument(info, 3, "scmControlService(name, control, comment, machine)");
  ScHandle service(OpenServiceOrThrow(env, machine, name, AccessForControl(control) | SERVICE_QUERY_STATUS));
  Napi::Object result = Napi::Object::New(env);
  ControlServiceExWFunction controlEx = control == SERVICE_CONTROL_STOP ? ControlServiceEx() : nullptr;
  if (controlEx != nullptr) {
    SERVICE_CONTROL_STATUS_REASON_PARAMSW params = {};
    params.dwReason = SERVICE_STOP_REASON_FLAG_PLANNED | SERVICE_STOP_REASON_MAJOR_APPLICATION |
                      SERVICE_STOP_REASON_MINOR_MAINTENANCE;
    params.pszComment = comment.empty() ? nullptr : comment.data();
    if (!controlEx(service.get(), control, SERVICE_CONTROL_STATUS_REASON_INFO, &params)) {
      throw Win32Error(env, GetLastError(), "ControlServiceExW");
    }
    result["status"] = StatusProcessToJs(env, params.ServiceStatus);
    result["via"] = "ControlServiceExW";
    return result;
  }
  SERVICE_STATUS status = {};
  if (!ControlService(service.get(), control, &status)) throw Win32Error(env, GetLastError(), "ControlService");
  result["status"] = StatusProcessToJs(env, QueryStatusOrThrow(env, service.get()));
  result["via"] = "ControlService";
  return result;
}

Napi::Value ScmDeleteService(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectWideString(info[0], "scmDeleteService(name)");
  ScHandle service(OpenServiceOrThrow(env, MachineArgument(info, 1, "scmDeleteService(name, machine)"), name, DELETE));
  if (!DeleteService(service.get())) throw Win32Error(env, GetLastError(), "DeleteService");
  return env.Undefined();
}

// Every Win32 service, stopped ones included: [{ name, displayName, status }].
Napi::Value ScmEnumServices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ScHandle manager(OpenManagerOrThrow(env, MachineArgument(info, 0, "scmEnumServices(machine)"), SC_MANAGER_ENUMERATE_SERVICE));
  Napi::Array list = Napi::Array::New(env);
  uint32_t count = 0;
  DWORD resume = 0;
  std::vector<BYTE> buffer(64 * 1024);
  for (;;) {
    DWORD needed = 0;
    DWORD returned = 0;
    BOOL done = EnumServicesStatusExW(manager.get(), SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL, buffer.data(),
                                      static_cast<DWORD>(buffer.size()), &needed, &returned, &resume, nullptr);
    DWORD error = done ? NO_ERROR : GetLastError();
    if (!done && error != ERROR_MORE_DATA) throw Win32Error(env, error, "EnumServicesStatusExW");
    auto* entries = reinterpret_cast<ENUM_SERVICE_STATUS_PROCESSW*>(buffer.data());
    for (DWORD i = 0; i < returned; ++i) {
      Napi::Object entry = Napi::Object::New(env);
      entry["name"] = WideToJs(env, entries[i].lpServiceName);
      entry["displayName"] = WideToJs(env, entries[i].lpDisplayName);
      entry["status"] = StatusProcessToJs(env, entries[i].ServiceStatusProcess);
      list[count++] = entry;
    }
    if (done) break;
    if (needed > buffer.size()) buffer.resize(needed);
  }
  return list;
}

}  // namespace servicehost
