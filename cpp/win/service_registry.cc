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
// Written into an Event Log source servicehost registers: the service it is for.
const wchar_t* const kSourceOwnerValue = L"ServicehostService";

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

// The service's own key, on this machine or (machine `\\server`) on another
// one's registry through RegConnectRegistryW, which needs the Remote Registry
// service running there; the connected root is closed once the key is open.
void OpenServiceKey(Napi::Env env, const Napi::CallbackInfo& info, size_t machineIndex, const std::wstring& name, REGSAM access,
                    RegistryKey& key, const std::string& where) {
  std::wstring machine = MachineArgument(info, machineIndex, where);
  RegistryKey remote;
  HKEY root = HKEY_LOCAL_MACHINE;
  if (!machine.empty()) {
    Check(env, RegConnectRegistryW(machine.c_str(), HKEY_LOCAL_MACHINE, remote.out()), "RegConnectRegistryW");
    root = remote.get();
  }
  Check(env, RegOpenKeyExW(root, (kServicesKey + name).c_str(), 0, access, key.out()), "RegOpenKeyExW");
}

}  // namespace

// scmSetEnvironment(name, ["KEY=value", ...], machine?): an empty list removes the value.
Napi::Value ScmSetEnvironment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectKeyName(info[0], "scmSetEnvironment(name)");
  Napi::Object holder = Napi::Object::New(env);
  if (info.Length() < 2 || !info[1].IsArray()) throw MakeTypeError(env, "scmSetEnvironment(name, entries): entries must be an array of strings");
  holder["entries"] = info[1];
  std::vector<std::wstring> entries = OptionalWideStringList(holder, "entries", "scmSetEnvironment(name, entries)");
  RegistryKey key;
  OpenServiceKey(env, info, 2, name, KEY_SET_VALUE, key, "scmSetEnvironment(name, entries, machine)");
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
  OpenServiceKey(env, info, 1, name, KEY_QUERY_VALUE, key, "scmGetEnvironment(name, machine)");
  std::optional<std::vector<wchar_t>> data = ReadStringValue(env, key.get(), L"Environment");
  return WideListToJs(env, data ? FromMultiString(data->data()) : std::vector<std::wstring>{});
}

// scmSetServiceValue(name, valueName, text, machine?): a REG_SZ of servicehost's own
// under the service's key (its install marker).
Napi::Value ScmSetServiceValue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectKeyName(info[0], "scmSetServiceValue(name)");
  std::wstring valueName = ExpectKeyName(info.Length() > 1 ? info[1] : env.Undefined(), "scmSetServiceValue(name, valueName)");
  std::wstring text = ExpectWideString(info.Length() > 2 ? info[2] : env.Undefined(), "scmSetServiceValue(name, valueName, text)", true);
  RegistryKey key;
  OpenServiceKey(env, info, 3, name, KEY_SET_VALUE, key, "scmSetServiceValue(name, valueName, text, machine)");
  Check(env, RegSetValueExW(key.get(), valueName.c_str(), 0, REG_SZ, reinterpret_cast<const BYTE*>(text.c_str()),
                            static_cast<DWORD>((text.size() + 1) * sizeof(wchar_t))),
        "RegSetValueExW");
  return env.Undefined();
}

// scmGetServiceValue(name, valueName, machine?): the text, or undefined when there is none.
Napi::Value ScmGetServiceValue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectKeyName(info[0], "scmGetServiceValue(name)");
  std::wstring valueName = ExpectKeyName(info.Length() > 1 ? info[1] : env.Undefined(), "scmGetServiceValue(name, valueName)");
  RegistryKey key;
  OpenServiceKey(env, info, 2, name, KEY_QUERY_VALUE, key, "scmGetServiceValue(name, valueName, machine)");
  std::optional<std::vector<wchar_t>> data = ReadStringValue(env, key.get(), valueName.c_str());
  return data ? static_cast<Napi::Value>(WideToJs(env, data->data())) : env.Undefined();
}

namespace {

// The service a source was registered for by servicehost, or nullopt.
std::optional<std::wstring> SourceOwner(Napi::Env env, HKEY key) {
  std::optional<std::vector<wchar_t>> owner = ReadStringValue(env, key, kSourceOwnerValue);
  if (!owner) return std::nullopt;
  return std::wstring(owner->data());
}

}  // namespace

// setEventLogSource(source, messageFile, owner): registers `source` under the
// Application log for servicehost's service `owner`, so Event Viewer shows its
// messages without a "description not found" note. A source that exists and
// is not servicehost's is left as it is: returns false.
Napi::Value SetEventLogSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring source = ExpectKeyName(info[0], "setEventLogSource(source)");
  std::wstring messageFile = ExpectWideString(info.Length() > 1 ? info[1] : env.Undefined(), "setEventLogSource(source, messageFile)");
  std::wstring owner = ExpectWideString(info.Length() > 2 ? info[2] : env.Undefined(), "setEventLogSource(source, messageFile, owner)");
  RegistryKey key;
  DWORD disposition = 0;
  Check(env, RegCreateKeyExW(HKEY_LOCAL_MACHINE, (kEventSourcesKey + source).c_str(), 0, nullptr, 0, KEY_SET_VALUE | KEY_QUERY_VALUE, nullptr,
                             key.out(), &disposition),
        "RegCreateKeyExW");
  if (disposition == REG_OPENED_EXISTING_KEY && SourceOwner(env, key.get()) != owner) return Napi::Boolean::New(env, false);
  Check(env, RegSetValueExW(key.get(), L"EventMessageFile", 0, REG_EXPAND_SZ, reinterpret_cast<const BYTE*>(messageFile.c_str()),
                            static_cast<DWORD>((messageFile.size() + 1) * sizeof(wchar_t))),
        "RegSetValueExW");
  DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  Check(env, RegSetValueExW(key.get(), L"TypesSupported", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&types), sizeof(types)),
        "RegSetValueExW");
  Check(env, RegSetValueExW(key.get(), kSourceOwnerValue, 0, REG_SZ, reinterpret_cast<const BYTE*>(owner.c_str()),
                            static_cast<DWORD>((owner.size() + 1) * sizeof(wchar_t))),
        "RegSetValueExW");
  return Napi::Boolean::New(env, true);
}

// getEventLogSource(source): { messageFile, owner } of a registered source, or undefined.
Napi::Value GetEventLogSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring source = ExpectKeyName(info[0], "getEventLogSource(source)");
  RegistryKey key;
  LSTATUS status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, (kEventSourcesKey + source).c_str(), 0, KEY_QUERY_VALUE, key.out());
  if (status == ERROR_FILE_NOT_FOUND) return env.Undefined();
  Check(env, status, "RegOpenKeyExW");
  Napi::Object result = Napi::Object::New(env);
  std::optional<std::vector<wchar_t>> messageFile = ReadStringValue(env, key.get(), L"EventMessageFile");
  std::optional<std::wstring> owner = SourceOwner(env, key.get());
  result["messageFile"] = messageFile ? static_cast<Napi::Value>(WideToJs(env, messageFile->data())) : env.Undefined();
  result["owner"] = owner ? static_cast<Napi::Value>(WideToJs(env, owner->c_str())) : env.Undefined();
  return result;
}

// removeEventLogSource(source, owner): removes a registration servicehost made
// for `owner`; one it did not make stays. Says whether it removed one.
Napi::Value RemoveEventLogSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring source = ExpectKeyName(info[0], "removeEventLogSource(source)");
  std::wstring owner = ExpectWideString(info.Length() > 1 ? info[1] : env.Undefined(), "removeEventLogSource(source, owner)");
  {
    RegistryKey key;
    LSTATUS status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, (kEventSourcesKey + source).c_str(), 0, KEY_QUERY_VALUE, key.out());
    if (status == ERROR_FILE_NOT_FOUND) return Napi::Boolean::New(env, false);
    Check(env, status, "RegOpenKeyExW");
    if (SourceOwner(env, key.get()) != owner) return Napi::Boolean::New(env, false);
  }
  LSTATUS status = RegDeleteKeyW(HKEY_LOCAL_MACHINE, (kEventSourcesKey + source).c_str());
  if (status == ERROR_FILE_NOT_FOUND) return Napi::Boolean::New(env, false);
  Check(env, status, "RegDeleteKeyW");
  return Napi::Boolean::New(env, true);
}

}  // namespace servicehost
