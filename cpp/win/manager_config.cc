// Creating a service and reading or changing its basic configuration:
// CreateServiceW, ChangeServiceConfigW, QueryServiceConfigW (with the
// configuration levels and the status, from one handle). lib/manage/windows.ts
// decides what to ask for; this file only checks and converts. Main thread only.
#include <windows.h>

#include <vector>

#include "../binding.h"
#include "../common/js_error.h"
#include "manager_config2.h"
#include "sc_handle.h"
#include "service_status_js.h"
#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

namespace {

// The fields CreateServiceW and ChangeServiceConfigW share. Absent fields mean
// "no change" for ChangeServiceConfigW.
struct BasicConfig {
  std::optional<std::wstring> displayName;
  std::optional<std::wstring> imagePath;
  std::optional<DWORD> startType;
  std::optional<DWORD> errorControl;
  std::optional<std::wstring> account;
  SecretWideString password;
  std::optional<std::vector<std::wstring>> dependencies;
};

void ReadBasicConfig(Napi::Object config, const std::string& where, BasicConfig& basic) {
  basic.displayName = OptionalWideString(config, "displayName", where);
  basic.imagePath = OptionalWideString(config, "imagePath", where);
  basic.startType = OptionalUint32(config, "startType", where, SERVICE_BOOT_START, SERVICE_DISABLED);
  basic.errorControl = OptionalUint32(config, "errorControl", where, SERVICE_ERROR_IGNORE, SERVICE_ERROR_CRITICAL);
  basic.account = OptionalWideString(config, "account", where);
  basic.password.Read(config, "password", where);
  if (!config.Get("dependencies").IsUndefined()) {
    basic.dependencies = OptionalWideStringList(config, "dependencies", where);
  }
}

const wchar_t* OrNull(const std::optional<std::wstring>& text) { return text ? text->c_str() : nullptr; }


}  // namespace

Napi::Value ScmCreateService(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string where = "scmCreateService(config)";
  Napi::Object config = ExpectObjectArgument(info, 0, where);
  std::wstring name = ExpectWideString(config.Get("name"), where + ".name");
  BasicConfig basic;
  ReadBasicConfig(config, where, basic);
  if (!basic.imagePath || basic.imagePath->empty()) throw MakeTypeError(env, where + ".imagePath must be a non-empty string");
  std::wstring dependencies = ToMultiString(basic.dependencies.value_or(std::vector<std::wstring>{}));

  std::wstring machine = MachineArgument(info, 1, where);
  ScHandle manager(OpenManagerOrThrow(env, machine, SC_MANAGER_CREATE_SERVICE));
  // Only what the caller needs next: set the rest of the configuration, or delete on failure.
  SC_HANDLE created = CreateServiceW(
      manager.get(), name.c_str(), basic.displayName ? basic.displayName->c_str() : name.c_str(), SERVICE_CHANGE_CONFIG,
      SERVICE_WIN32_OWN_PROCESS, basic.startType.value_or(SERVICE_DEMAND_START),
      basic.errorControl.value_or(SERVICE_ERROR_NORMAL), basic.imagePath->c_str(), nullptr, nullptr,
      dependencies.c_str(), OrNull(basic.account), basic.password.c_str());
  DWORD error = created == nullptr ? GetLastError() : NO_ERROR;
  if (created == nullptr) throw Win32Error(env, error, "CreateServiceW");
  CloseServiceHandle(created);
  return env.Undefined();
}

Napi::Value ScmChangeConfig(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string where = "scmChangeConfig(name, config)";
  std::wstring name = ExpectWideString(info[0], "scmChangeConfig(name)");
  Napi::Object config = ExpectObjectArgument(info, 1, where);
  BasicConfig basic;
  ReadBasicConfig(config, where, basic);
  std::wstring dependencies = basic.dependencies ? ToMultiString(*basic.dependencies) : std::wstring();

  std::wstring machine = MachineArgument(info, 2, where);
  ScHandle service(OpenServiceOrThrow(env, machine, name, SERVICE_CHANGE_CONFIG));
  BOOL changed = ChangeServiceConfigW(
      service.get(), SERVICE_NO_CHANGE, basic.startType.value_or(SERVICE_NO_CHANGE),
      basic.errorControl.value_or(SERVICE_NO_CHANGE), OrNull(basic.imagePath), nullptr, nullptr,
      basic.dependencies ? dependencies.c_str() : nullptr, OrNull(basic.account), basic.password.c_str(),
      OrNull(basic.displayName));
  DWORD error = changed ? NO_ERROR : GetLastError();
  if (!changed) throw Win32Error(env, error, "ChangeServiceConfigW");
  return env.Undefined();
}

Napi::Value ScmQueryConfig(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectWideString(info[0], "scmQueryConfig(name)");
  // One handle for the configuration and the status: both reads, nothing more.
  std::wstring machine = MachineArgument(info, 1, "scmQueryConfig(name, machine)");
  ScHandle service(OpenServiceOrThrow(env, machine, name, SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS));

  DWORD needed = 0;
  QueryServiceConfigW(service.get(), nullptr, 0, &needed);
  DWORD error = GetLastError();
  if (error != ERROR_INSUFFICIENT_BUFFER) throw Win32Error(env, error, "QueryServiceConfigW");
  std::vector<BYTE> buffer(needed);
  auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data());
  if (!QueryServiceConfigW(service.get(), config, needed, &needed)) throw Win32Error(env, GetLastError(), "QueryServiceConfigW");

  Napi::Object result = Napi::Object::New(env);
  result["serviceType"] = Napi::Number::New(env, config->dwServiceType);
  result["startType"] = Napi::Number::New(env, config->dwStartType);
  result["errorControl"] = Napi::Number::New(env, config->dwErrorControl);
  result["imagePath"] = WideToJs(env, config->lpBinaryPathName);
  result["loadOrderGroup"] = WideToJs(env, config->lpLoadOrderGroup);
  result["dependencies"] = WideListToJs(env, FromMultiString(config->lpDependencies));
  result["account"] = WideToJs(env, config->lpServiceStartName);
  result["displayName"] = WideToJs(env, config->lpDisplayName);
  AddConfig2Fields(env, service.get(), result);
  result["status"] = StatusProcessToJs(env, QueryStatusOrThrow(env, service.get()));
  return result;
}

}  // namespace servicehost
