// Conversions between JavaScript values and the UTF-16 strings, string lists
// and numbers the Win32 service manager API takes. Each check throws a typed
// JavaScript error naming the argument; none lets a NUL through, because a
// NUL inside a Win32 string silently cuts it short. Main thread only.
#pragma once

#include <windows.h>

#include <napi.h>

#include <optional>
#include <string>
#include <vector>

namespace servicehost {

// The first argument as an object, or a TypeError naming `function`.
Napi::Object ExpectObjectArgument(const Napi::CallbackInfo& info, size_t index, const std::string& where);

// A string argument or field, converted to UTF-16.
std::wstring ExpectWideString(Napi::Value value, const std::string& where, bool allowEmpty = false);
std::optional<std::wstring> OptionalWideString(Napi::Object object, const char* key, const std::string& where);

// The machine argument of an SCM or registry function: `info[index]`, a
// string TypeScript checked (lib/manage/windows/remote-host.ts), or empty
// (this machine) when absent.
std::wstring MachineArgument(const Napi::CallbackInfo& info, size_t index, const std::string& where);

// An array of strings; absent means empty.
std::vector<std::wstring> OptionalWideStringList(Napi::Object object, const char* key, const std::string& where);

std::optional<DWORD> OptionalUint32(Napi::Object object, const char* key, const std::string& where,
                                    DWORD min = 0, DWORD max = 0xFFFFFFFF);
std::optional<bool> OptionalBool(Napi::Object object, const char* key, const std::string& where);

// A secret (an account's password), read straight from the JavaScript string
// into one buffer of its own, which is zeroed when it goes: no other native
// copy of it is ever made. Not copyable. Main thread only.
class SecretWideString {
 public:
  SecretWideString() = default;
  SecretWideString(const SecretWideString&) = delete;
  SecretWideString& operator=(const SecretWideString&) = delete;
  ~SecretWideString();

  // Reads `object[key]`; absent leaves it empty (c_str() is null).
  void Read(Napi::Object object, const char* key, const std::string& where);
  const wchar_t* c_str() const { return present_ ? buffer_.data() : nullptr; }

 private:
  std::vector<wchar_t> buffer_;
  bool present_ = false;
};

// REG_MULTI_SZ and the dependency lists: each string NUL-terminated, then one more NUL.
std::wstring ToMultiString(const std::vector<std::wstring>& strings);
std::vector<std::wstring> FromMultiString(const wchar_t* multi);

Napi::String WideToJs(Napi::Env env, const wchar_t* text);
Napi::Array WideListToJs(Napi::Env env, const std::vector<std::wstring>& strings);

}  // namespace servicehost
