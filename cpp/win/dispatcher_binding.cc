// The JavaScript face of the dispatcher: argument checks and conversions.
// Everything here runs on the main thread.
#include <cstdint>
#include <string>
#include <vector>

#include "../binding.h"
#include "../common/js_error.h"
#include "../common/monotonic_clock.h"
#include "control_payload.h"
#include "service_dispatcher.h"
#include "service_status_js.h"
#include "win32_error.h"

namespace servicehost {

namespace {

Napi::Object ExpectOptions(const Napi::CallbackInfo& info, const char* function) {
  if (info.Length() < 1 || !info[0].IsObject()) {
    throw MakeTypeError(info.Env(), std::string(function) + "(options): options must be an object");
  }
  return info[0].As<Napi::Object>();
}

DWORD ReadUint32(Napi::Object options, const char* function, const char* key, DWORD fallback,
                 DWORD min = 0, DWORD max = 0xFFFFFFFF) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  std::string where = std::string(function) + ": options." + key;
  if (!value.IsNumber()) throw MakeTypeError(options.Env(), where + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= min && number <= max) || number != static_cast<double>(static_cast<int64_t>(number))) {
    throw MakeRangeError(options.Env(), where + " must be an integer from " + std::to_string(min) +
                                            " to " + std::to_string(max) + "; got " +
                                            value.ToString().Utf8Value());
  }
  return static_cast<DWORD>(number);
}

Napi::Value SystemErrorOrUndefined(Napi::Env env, const DispatcherEvent& event) {
  if (event.error == NO_ERROR) return env.Undefined();
  return Win32Error(env, event.error, event.syscall).Value();
}

bool ReadBoolean(Napi::Object options, const char* function, const char* key, bool fallback) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsBoolean()) throw MakeTypeError(options.Env(), std::string(function) + ": options." + key + " must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

DispatcherPolicy ReadPolicy(Napi::Object options, const char* function, DispatcherPolicy policy) {
  policy.stopWaitHint = ReadUint32(options, function, "stopWaitHint", policy.stopWaitHint);
  policy.pendingWaitHint = ReadUint32(options, function, "pendingWaitHint", policy.pendingWaitHint);
  policy.deliverCustom = ReadBoolean(options, function, "deliverCustom", policy.deliverCustom);
  policy.deliverInterrogate = ReadBoolean(options, function, "deliverInterrogate", policy.deliverInterrogate);
  return policy;
}

}  // namespace

void DispatcherEvent::ToJs(Napi::Env env, Napi::Function listener, const DispatcherEvent& event) {
  Napi::Object object = Napi::Object::New(env);
  object["receivedAt"] = Napi::Number::New(env, MonotonicMs(event.receivedAtNs));
  switch (event.kind) {
    case DispatcherEvent::Kind::kServiceMain: {
      object["type"] = "service-main";
      Napi::Array args = Napi::Array::New(env, event.args.size());
      for (size_t i = 0; i < event.args.size(); ++i) {
        args[static_cast<uint32_t>(i)] = Napi::String::New(env, event.args[i]);
      }
      object["args"] = args;
      object["error"] = SystemErrorOrUndefined(env, event);
      break;
    }
    case DispatcherEvent::Kind::kControl:
      if (event.IsStop()) ServiceDispatcher::Instance().OnStopDelivered();
      object["type"] = "control";
      object["code"] = Napi::Number::New(env, event.control);
      object["eventType"] = Napi::Number::New(env, event.eventType);
      object["repeats"] = Napi::Number::New(env, event.repeats);
      SetPayloadFields(env, object, event.payload);
      break;
    case DispatcherEvent::Kind::kDispatcherExit:
      object["type"] = "dispatcher-exit";
      object["error"] = SystemErrorOrUndefined(env, event);
      break;
  }
  listener.Call({object});
}


Napi::Value StartDispatcher(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = ExpectOptions(info, "startDispatcher");
  Napi::Value onEvent = options.Get("onEvent");
  if (!onEvent.IsFunction()) {
    throw MakeTypeError(env, "startDispatcher: options.onEvent must be a function");
  }
  DWORD startWaitHint = ReadUint32(options, "startDispatcher", "startWaitHint", 30000);
  DispatcherPolicy policy = ReadPolicy(options, "startDispatcher", DispatcherPolicy());
  ServiceDispatcher::Instance().Start(env, onEvent.As<Napi::Function>(), startWaitHint, policy);
  return env.Undefined();
}

Napi::Value SetServiceStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = ExpectOptions(info, "setServiceStatus");
  StatusRequest request;
  if (options.Get("state").IsUndefined()) {
    throw MakeTypeError(env, "setServiceStatus: options.state is required");
  }
  request.state = ReadUint32(options, "setServiceStatus", "state", 0, SERVICE_STOPPED, SERVICE_PAUSED);
  request.hasControlsAccepted = !options.Get("controlsAccepted").IsUndefined();
  request.controlsAccepted = ReadUint32(options, "setServiceStatus", "controlsAccepted", 0);
  request.waitHint = ReadUint32(options, "setServiceStatus", "waitHint", 0);
  request.win32ExitCode = ReadUint32(options, "setServiceStatus", "win32ExitCode", NO_ERROR);
  request.serviceSpecificExitCode = ReadUint32(options, "setServiceStatus", "serviceSpecificExitCode", 0);

  return StatusToJs(env, ServiceDispatcher::Instance().SetStatus(env, request));
}

Napi::Value SetControlsAccepted(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = ExpectOptions(info, "setControlsAccepted");
  DWORD controlsAccepted = ReadUint32(options, "setControlsAccepted", "controlsAccepted", 0);
  return StatusToJs(env, ServiceDispatcher::Instance().SetControlsAccepted(env, controlsAccepted));
}

Napi::Value SetDispatcherPolicy(const Napi::CallbackInfo& info) {
  Napi::Object options = ExpectOptions(info, "setDispatcherPolicy");
  ServiceDispatcher& dispatcher = ServiceDispatcher::Instance();
  dispatcher.SetPolicy(ReadPolicy(options, "setDispatcherPolicy", dispatcher.Policy()));
  return info.Env().Undefined();
}

Napi::Value GetDispatcherStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ChannelStats stats = ServiceDispatcher::Instance().Stats();
  Napi::Object result = Napi::Object::New(env);
  result["delivered"] = Napi::Number::New(env, static_cast<double>(stats.delivered));
  result["merged"] = Napi::Number::New(env, static_cast<double>(stats.merged));
  result["dropped"] = Napi::Number::New(env, static_cast<double>(stats.dropped));
  return result;
}

Napi::Value DebugInvokeControlHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = ExpectOptions(info, "debugInvokeControlHandler");
  DWORD control = ReadUint32(options, "debugInvokeControlHandler", "control", 0);
  DWORD eventType = ReadUint32(options, "debugInvokeControlHandler", "eventType", 0);
  Napi::Value fields = options.Get("payload");
  std::vector<uint8_t> payload;
  if (fields.IsObject()) payload = BuildControlPayloadForDiagnostics(control, fields.As<Napi::Object>());
  DWORD result = ServiceDispatcher::Instance().InvokeHandlerForDiagnostics(
      control, eventType, payload.empty() ? nullptr : payload.data());
  return Napi::Number::New(env, result);
}

}  // namespace servicehost
