#include "wide_args.h"

#include <cstdint>

#include "../common/js_error.h"

namespace servicehost {

Napi::Object ExpectObjectArgument(const Napi::CallbackInfo& info, size_t index, const std::string& where) {
  if (info.Length() <= index || !info[index].IsObject() || info[index].IsArray()) {
    throw MakeTypeError(info.Env(), where + " must be an object");
  }
  return info[index].As<Napi::Object>();
}

std::wstring ExpectWideString(Napi::Value value, const std::string& where, bool allowEmpty) {
  if (!value.IsString()) throw MakeTypeError(value.Env(), where + " must be a string");
  std::u16string text = value.As<Napi::String>().Utf16Value();
  if (text.find(u'\0') != std::u16string::npos) throw MakeRangeError(value.Env(), where + " must not contain a NUL character");
  if (!allowEmpty && text.empty()) throw MakeRangeError(value.Env(), where + " must not be empty");
  return std::wstring(text.begin(), text.end());
}

SecretWideString::~SecretWideString() {
  if (!buffer_.empty()) SecureZeroMemory(buffer_.data(), buffer_.size() * sizeof(wchar_t));
}

void SecretWideString::Read(Napi::Object object, const char* key, const std::string& where) {
  Napi::Env env = object.Env();
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) return;
  if (!value.IsString()) throw MakeTypeError(env, where + "." + key + " must be a string");
  size_t length = 0;
  if (napi_get_value_string_utf16(env, value, nullptr, 0, &length) != napi_ok) throw MakeTypeError(env, where + "." + key + " must be a string");
  buffer_.assign(length + 1, L'\0');
  size_t copied = 0;
  napi_get_value_string_utf16(env, value, reinterpret_cast<char16_t*>(buffer_.data()), buffer_.size(), &copied);
  for (size_t i = 0; i < copied; ++i) {
    if (buffer_[i] == L'\0') throw MakeRangeError(env, where + "." + key + " must not contain a NUL character");
  }
  present_ = true;
}

std::wstring MachineArgument(const Napi::CallbackInfo& info, size_t index, const std::string& where) {
  if (info.Length() <= index || info[index].IsUndefined()) return std::wstring();
  return ExpectWideString(info[index], where + ": machine");
}

std::optional<std::wstring> OptionalWideString(Napi::Object object, const char* key, const std::string& where) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  return ExpectWideString(value, where + "." + key, true);
}

std::vector<std::wstring> OptionalWideStringList(Napi::Object object, const char* key, const std::string& where) {
  Napi::Value value = object.Get(key);
  std::vector<std::wstring> result;
  if (value.IsUndefined() || value.IsNull()) return result;
  if (!value.IsArray()) throw MakeTypeError(object.Env(), where + "." + key + " must be an array of strings");
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    result.push_back(ExpectWideString(array.Get(i), where + "." + key + "[" + std::to_string(i) + "]"));
  }
  return result;
}

std::optional<DWORD> OptionalUint32(Napi::Object object, const char* key, const std::string& where, DWORD min, DWORD max) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) return std::nullopt;
  std::string name = where + "." + key;
  if (!value.IsNumber()) throw MakeTypeError(object.Env(), name + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= min && number <= max) || number != static_cast<double>(static_cast<int64_t>(number))) {
    throw MakeRangeError(object.Env(), name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<DWORD>(number);
}

std::optional<bool> OptionalBool(Napi::Object object, const char* key, const std::string& where) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) return std::nullopt;
  if (!value.IsBoolean()) throw MakeTypeError(object.Env(), where + "." + key + " must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::wstring ToMultiString(const std::vector<std::wstring>& strings) {
  std::wstring multi;
  for (const std::wstring& text : strings) {
    multi += text;
    multi.push_back(L'\0');
  }
  multi.push_back(L'\0');
  return multi;
}

std::vector<std::wstring> FromMultiString(const wchar_t* multi) {
  std::vector<std::wstring> strings;
  if (multi == nullptr) return strings;
  for (const wchar_t* cursor = multi; *cursor != L'\0'; cursor += wcslen(cursor) + 1) strings.emplace_back(cursor);
  return strings;
}

Napi::String WideToJs(Napi::Env env, const wchar_t* text) {
  if (text == nullptr) return Napi::String::New(env, "");
  return Napi::String::New(env, reinterpret_cast<const char16_t*>(text));
}

Napi::Array WideListToJs(Napi::Env env, const std::vector<std::wstring>& strings) {
  Napi::Array array = Napi::Array::New(env, strings.size());
  for (size_t i = 0; i < strings.size(); ++i) array[static_cast<uint32_t>(i)] = WideToJs(env, strings[i].c_str());
  return array;
}

}  // namespace servicehost
