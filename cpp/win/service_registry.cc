// The parts of a service's set-up that live in the registry rather than behind
// the SCM's API: the Environment value the SCM merges into the service's
// environment, and the Event Log source registration. Main thread only.
#include <windows.h>

#include <string>
#include <vector>

#include "../binding.h"
#include "../common/js_error.h"
#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

namespace {

const std::wstring kServicesKey = L"SYSTEM\\CurrentControlSet\\Services\\";
const std::wstring kEventSourcesKey = L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\";

class RegistryKey {
 public:
  RegistryKey() = default;
  RegistryKey(const RegistryKey&) = delete;
  RegistryKey& operator=(const RegistryKey&) = delete;
  ~RegistryKey() {
    if (key_ != nullptr) RegCloseKey(key_);
  }
  HKEY* out() { return &key_; }
  HKEY get() const { return key_; }

 private:
  HKEY key_ = nullptr;
};

// Registry calls return their error instead of setting the last error.
void Check(Napi::Env env, LSTATUS status, const char* syscall) {
  if (status != ERROR_SUCCESS) throw Win32Error(env, static_cast<DWORD>(status), syscall);
}

// Rejects a name that would reach another key: the SCM forbids '\' in names too.
std::wstring ExpectKeyName(Napi::Value value, const std::string& where) {
  std::wstring name = ExpectWideString(value, where);
  if (name.find(L'\\') != std::wstring::npos || name.find(L'/') != std::wstring::npos) {
    throw MakeRangeError(value.Env(), where + " must not contain '/' or '\\'");
  }
  return name;
}

// The value's data as UTF-16, or nullopt when the value does not exist.
std::optional<std::vector<wchar_t>> ReadStringValue(Napi::Env env, HKEY key, const wchar_t* valueName) {
  DWORD type = 0;
  DWORD bytes = 0;
  LSTATUS status = RegQueryValueExW(key, valueName, nullptr, &type, nullptr, &bytes);
  if (status == ERROR_FILE_NOT_FOUND) return std::nullopt;
  Check(env, status, "RegQueryValueExW");
  // Two extra NULs: registry strings are not guaranteed to be terminated.
  std::vector<wchar_t> data(bytes / sizeof(wchar_t) + 2, L'\0');
  Check(env, RegQueryValueExW(key, valueName, nullptr, &type, reinterpret_cast<BYTE*>(data.data()), &bytes), "RegQueryValueExW");
  return data;
}

}  // namespace

// scmSetEnvironment(name, ["KEY=value", ...]): an empty list removes the value.
Napi::Value ScmSetEnvironment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectKeyName(info[0], "scmSetEnvironment(name)");
  Napi::Object holder = Napi::Object::New(env);
  if (info.Length() < 2 || !info[1].IsArray()) throw MakeTypeError(env, "scmSetEnvironment(name, entries): entries must be an array of strings");
  holder["entries"] = info[1];
  std::vector<std::wstring> entries = OptionalWideStringList(holder, "entries", "scmSetEnvironment(name, entries)");
  RegistryKey key;
  Check(env, RegOpenKeyExW(HKEY_LOCAL_MACHINE, (kServicesKey + name).c_str(), 0, KEY_SET_VALUE, key.out()), "RegOpenKeyExW");
  if (entries.empty()) {
    LSTATUS status = RegDeleteValueW(key.get(), L"Environment");
    if (status != ERROR_FILE_NOT_FOUND) Check(env, status, "RegDeleteValueW");
    return env.Undefined();
  }
  std::wstring multi = ToMultiString(entries);
  Check(env, RegSetValueExW(key.get(), L"Environment", 0, REG_MULTI_SZ, reinterpret_cast<const BYTE*>(multi.data()),
                            static_cast<DWORD>(multi.size() * sizeof(wchar_t))),
        "RegSetValueExW");
  return env.Undefined();
}

Napi::Value ScmGetEnvironment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectKeyName(info[0], "scmGetEnvironment(name)");
  RegistryKey key;
  Check(env, RegOpenKeyExW(HKEY_LOCAL_MACHINE, (kServicesKey + name).c_str(), 0, KEY_QUERY_VALUE, key.out()), "RegOpenKeyExW");
  std::optional<std::vector<wchar_t>> data = ReadStringValue(env, key.get(), L"Environment");
  return WideListToJs(env, data ? FromMultiString(data->data()) : std::vector<std::wstring>{});
}

// setEventLogSource(source, messageFile): registers `source` under the
// Application log, so Event Viewer shows its messages without a "description
// not found" note.
Napi::Value SetEventLogSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring source = ExpectKeyName(info[0], "setEventLogSource(source)");
  std::wstring messageFile = ExpectWideString(info.Length() > 1 ? info[1] : env.Undefined(), "setEventLogSource(source, messageFile)");
  RegistryKey key;
  Check(env, RegCreateKeyExW(HKEY_LOCAL_MACHINE, (kEventSourcesKey + source).c_str(), 0, nullptr, 0, KEY_SET_VALUE, nullptr, key.out(), nullptr),
        "RegCreateKeyExW");
  Check(env, RegSetValueExW(key.get(), L"EventMessageFile", 0, REG_EXPAND_SZ, reinterpret_cast<const BYTE*>(messageFile.c_str()),
                            static_cast<DWORD>((messageFile.size() + 1) * sizeof(wchar_t))),
        "RegSetValueExW");
  DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  Check(env, RegSetValueExW(key.get(), L"TypesSupported", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&types), sizeof(types)),
        "RegSetValueExW");
  return env.Undefined();
}

// The registered message file of `source`, or undefined when it is not registered.
Napi::Value GetEventLogSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring source = ExpectKeyName(info[0], "getEventLogSource(source)");
  RegistryKey key;
  LSTATUS status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, (kEventSourcesKey + source).c_str(), 0, KEY_QUERY_VALUE, key.out());
  if (status == ERROR_FILE_NOT_FOUND) return env.Undefined();
  Check(env, status, "RegOpenKeyExW");
  std::optional<std::vector<wchar_t>> data = ReadStringValue(env, key.get(), L"EventMessageFile");
  return data ? static_cast<Napi::Value>(WideToJs(env, data->data())) : env.Undefined();
}

// Removes the registration; says whether there was one.
Napi::Value RemoveEventLogSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring source = ExpectKeyName(info[0], "removeEventLogSource(source)");
  LSTATUS status = RegDeleteKeyW(HKEY_LOCAL_MACHINE, (kEventSourcesKey + source).c_str());
  if (status == ERROR_FILE_NOT_FOUND) return Napi::Boolean::New(env, false);
  Check(env, status, "RegDeleteKeyW");
  return Napi::Boolean::New(env, true);
}

}  // namespace servicehost
