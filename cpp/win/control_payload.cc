#include "control_payload.h"

#include <cstdio>
#include <cstddef>
#include <cstring>

#include "scm_sdk_names.h"

namespace servicehost {

namespace {

// mingw-w64's headers lack it; the layout is the documented one.
struct TimeChangeInfo {
  LARGE_INTEGER newTime;  // FILETIME units: 100 ns since 1601
  LARGE_INTEGER oldTime;
};

struct DeviceBroadcastHeader {
  DWORD size;
  DWORD deviceType;
  DWORD reserved;
};

// A power setting's value is a DWORD or a GUID; anything near this is corrupt.
constexpr DWORD kMaxPowerSettingBytes = 4096;

int64_t FileTimeToUnixMs(LONGLONG fileTime) {
  constexpr LONGLONG kUnixEpochIn100ns = 116444736000000000LL;
  return (fileTime - kUnixEpochIn100ns) / 10000;
}

std::string FormatGuid(const GUID& guid) {
  char text[40];
  std::snprintf(text, sizeof text, "{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                static_cast<unsigned long>(guid.Data1), guid.Data2, guid.Data3, guid.Data4[0],
                guid.Data4[1], guid.Data4[2], guid.Data4[3], guid.Data4[4], guid.Data4[5],
                guid.Data4[6], guid.Data4[7]);
  return text;
}

uint32_t FieldUint32(Napi::Object fields, const char* key) {
  Napi::Value value = fields.Get(key);
  return value.IsNumber() ? value.As<Napi::Number>().Uint32Value() : 0;
}

LONGLONG UnixMsToFileTime(double ms) {
  return static_cast<LONGLONG>(ms) * 10000 + 116444736000000000LL;
}

}  // namespace

ControlPayload CopyControlPayload(DWORD control, DWORD eventType, const void* eventData) {
  ControlPayload payload;
  if (eventData == nullptr) return payload;
  switch (control) {
    case SERVICE_CONTROL_POWEREVENT:
      if (eventType == PBT_POWERSETTINGCHANGE) {
        const auto* setting = static_cast<const POWERBROADCAST_SETTING*>(eventData);
        payload.kind = ControlPayload::Kind::kPowerSetting;
        payload.powerSetting = FormatGuid(setting->PowerSetting);
        DWORD length = setting->DataLength < kMaxPowerSettingBytes ? setting->DataLength : kMaxPowerSettingBytes;
        payload.data.assign(setting->Data, setting->Data + length);
      }
      break;
    case SERVICE_CONTROL_SESSIONCHANGE: {
      const auto* session = static_cast<const WTSSESSION_NOTIFICATION*>(eventData);
      payload.kind = ControlPayload::Kind::kSession;
      payload.sessionId = session->dwSessionId;
      break;
    }
    case SERVICE_CONTROL_TIMECHANGE: {
      const auto* change = static_cast<const TimeChangeInfo*>(eventData);
      payload.kind = ControlPayload::Kind::kTimeChange;
      payload.newTimeMs = FileTimeToUnixMs(change->newTime.QuadPart);
      payload.oldTimeMs = FileTimeToUnixMs(change->oldTime.QuadPart);
      break;
    }
    case SERVICE_CONTROL_DEVICEEVENT:
    case SERVICE_CONTROL_HARDWAREPROFILECHANGE: {
      const auto* header = static_cast<const DeviceBroadcastHeader*>(eventData);
      payload.kind = ControlPayload::Kind::kDevice;
      payload.deviceType = header->deviceType;
      break;
    }
    default:
      break;
  }
  return payload;
}

void SetPayloadFields(Napi::Env env, Napi::Object target, const ControlPayload& payload) {
  switch (payload.kind) {
    case ControlPayload::Kind::kNone:
      break;
    case ControlPayload::Kind::kPowerSetting: {
      target["powerSetting"] = Napi::String::New(env, payload.powerSetting);
      Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::Copy(env, payload.data.data(), payload.data.size());
      target["data"] = data;
      break;
    }
    case ControlPayload::Kind::kSession:
      target["sessionId"] = Napi::Number::New(env, payload.sessionId);
      break;
    case ControlPayload::Kind::kTimeChange:
      target["newTime"] = Napi::Number::New(env, static_cast<double>(payload.newTimeMs));
      target["oldTime"] = Napi::Number::New(env, static_cast<double>(payload.oldTimeMs));
      break;
    case ControlPayload::Kind::kDevice:
      target["deviceType"] = Napi::Number::New(env, payload.deviceType);
      break;
  }
}

std::vector<uint8_t> BuildControlPayloadForDiagnostics(DWORD control, Napi::Object fields) {
  std::vector<uint8_t> bytes;
  switch (control) {
    case SERVICE_CONTROL_POWEREVENT: {
      Napi::Value guid = fields.Get("powerSetting");
      Napi::Value data = fields.Get("data");
      if (!guid.IsBuffer() || guid.As<Napi::Buffer<uint8_t>>().Length() != sizeof(GUID) || !data.IsBuffer()) break;
      auto dataBuffer = data.As<Napi::Buffer<uint8_t>>();
      bytes.resize(offsetof(POWERBROADCAST_SETTING, Data) + dataBuffer.Length());
      auto* setting = reinterpret_cast<POWERBROADCAST_SETTING*>(bytes.data());
      std::memcpy(&setting->PowerSetting, guid.As<Napi::Buffer<uint8_t>>().Data(), sizeof(GUID));
      setting->DataLength = static_cast<DWORD>(dataBuffer.Length());
      std::memcpy(setting->Data, dataBuffer.Data(), dataBuffer.Length());
      break;
    }
    case SERVICE_CONTROL_SESSIONCHANGE: {
      bytes.resize(sizeof(WTSSESSION_NOTIFICATION));
      auto* session = reinterpret_cast<WTSSESSION_NOTIFICATION*>(bytes.data());
      session->cbSize = sizeof(WTSSESSION_NOTIFICATION);
      session->dwSessionId = FieldUint32(fields, "sessionId");
      break;
    }
    case SERVICE_CONTROL_TIMECHANGE: {
      bytes.resize(sizeof(TimeChangeInfo));
      auto* change = reinterpret_cast<TimeChangeInfo*>(bytes.data());
      change->newTime.QuadPart = UnixMsToFileTime(fields.Get("newTime").ToNumber().DoubleValue());
      change->oldTime.QuadPart = UnixMsToFileTime(fields.Get("oldTime").ToNumber().DoubleValue());
      break;
    }
    case SERVICE_CONTROL_DEVICEEVENT:
    case SERVICE_CONTROL_HARDWAREPROFILECHANGE: {
      bytes.resize(sizeof(DeviceBroadcastHeader));
      auto* header = reinterpret_cast<DeviceBroadcastHeader*>(bytes.data());
      header->size = sizeof(DeviceBroadcastHeader);
      header->deviceType = FieldUint32(fields, "deviceType");
      break;
    }
    default:
      break;
  }
  return bytes;
}

}  // namespace servicehost
