// The data some controls carry (lpEventData of HandlerEx), copied out of the
// SCM's buffer before HandlerEx returns: the buffer is not ours after that.
#pragma once

#include <windows.h>

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace servicehost {

struct ControlPayload {
  enum class Kind { kNone, kPowerSetting, kSession, kTimeChange, kDevice };
  Kind kind = Kind::kNone;
  std::string powerSetting;        // kPowerSetting: the setting's GUID, {8-4-4-4-12}
  std::vector<uint8_t> data;       // kPowerSetting: the setting's value
  DWORD sessionId = 0;             // kSession: WTSSESSION_NOTIFICATION.dwSessionId
  int64_t newTimeMs = 0;           // kTimeChange: ms since 1970, UTC
  int64_t oldTimeMs = 0;
  DWORD deviceType = 0;            // kDevice: DEV_BROADCAST_HDR.dbch_devicetype
};

// Runs on the dispatcher thread, inside HandlerEx. `eventData` may be null.
ControlPayload CopyControlPayload(DWORD control, DWORD eventType, const void* eventData);

// Main thread: the payload's fields on `target`.
void SetPayloadFields(Napi::Env env, Napi::Object target, const ControlPayload& payload);


// Main thread, diagnostics only: lays out the lpEventData the SCM would pass
// for `control`, from the fields of `fields` (powerSetting: 16-byte GUID
// buffer, data: buffer; sessionId; newTime, oldTime: ms since 1970; deviceType).
std::vector<uint8_t> BuildControlPayloadForDiagnostics(DWORD control, Napi::Object fields);

}  // namespace servicehost
