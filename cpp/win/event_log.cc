// Windows Event Log entries under the service's own event source. Runs on the
// main thread.
#include <windows.h>

#include <map>
#include <mutex>
#include <string>

#include "../binding.h"
#include "../common/js_error.h"
#include "win32_error.h"

namespace servicehost {

namespace {

// Event source handles are process-wide and cheap to keep: one per source,
// opened on first use and held until the process exits.
std::mutex sourcesMutex;
std::map<std::u16string, HANDLE>& Sources() {
  static auto* sources = new std::map<std::u16string, HANDLE>();
  return *sources;
}

HANDLE SourceHandle(Napi::Env env, const std::u16string& source) {
  std::lock_guard<std::mutex> lock(sourcesMutex);
  auto found = Sources().find(source);
  if (found != Sources().end()) return found->second;
  HANDLE handle = RegisterEventSourceW(nullptr, reinterpret_cast<const wchar_t*>(source.c_str()));
  if (handle == nullptr) throw Win32Error(env, GetLastError(), "RegisterEventSourceW");
  Sources()[source] = handle;
  return handle;
}

}  // namespace

Napi::Value WriteEventLog(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw MakeTypeError(env, "writeEventLog(entry): entry must be an object");
  Napi::Object entry = info[0].As<Napi::Object>();
  Napi::Value source = entry.Get("source");
  Napi::Value message = entry.Get("message");
  Napi::Value type = entry.Get("type");
  Napi::Value eventId = entry.Get("eventId");
  if (!source.IsString() || source.As<Napi::String>().Utf16Value().empty()) {
    throw MakeTypeError(env, "writeEventLog: entry.source must be a non-empty string");
  }
  if (!message.IsString()) throw MakeTypeError(env, "writeEventLog: entry.message must be a string");
  if (!type.IsNumber()) throw MakeTypeError(env, "writeEventLog: entry.type must be a number");
  WORD eventType = static_cast<WORD>(type.As<Napi::Number>().Uint32Value());
  if (eventType != EVENTLOG_ERROR_TYPE && eventType != EVENTLOG_WARNING_TYPE && eventType != EVENTLOG_INFORMATION_TYPE) {
    throw MakeRangeError(env, "writeEventLog: entry.type must be 1 (error), 2 (warning) or 4 (information)");
  }
  DWORD id = eventId.IsNumber() ? eventId.As<Napi::Number>().Uint32Value() : 0;

  HANDLE handle = SourceHandle(env, source.As<Napi::String>().Utf16Value());
  std::u16string text = message.As<Napi::String>().Utf16Value();
  const wchar_t* strings[] = {reinterpret_cast<const wchar_t*>(text.c_str())};
  if (!ReportEventW(handle, eventType, 0, id, nullptr, 1, 0, strings, nullptr)) {
    throw Win32Error(env, GetLastError(), "ReportEventW");
  }
  return env.Undefined();
}

}  // namespace servicehost
