#include "manager_config2.h"

#include <string>
#include <vector>

#include "../binding.h"
#include "../common/js_error.h"
#include "sc_handle.h"
#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

namespace {

// One level's raw bytes, or the error that refused it.
DWORD Query(SC_HANDLE service, DWORD level, std::vector<BYTE>& buffer) {
  DWORD needed = 0;
  if (QueryServiceConfig2W(service, level, nullptr, 0, &needed)) return NO_ERROR;
  DWORD error = GetLastError();
  if (error != ERROR_INSUFFICIENT_BUFFER) return error;
  buffer.assign(needed, 0);
  return QueryServiceConfig2W(service, level, buffer.data(), needed, &needed) ? NO_ERROR : GetLastError();
}

Napi::Object FailureActionsToJs(Napi::Env env, const SERVICE_FAILURE_ACTIONSW& actions) {
  Napi::Object result = Napi::Object::New(env);
  result["resetPeriodSec"] = Napi::Number::New(env, actions.dwResetPeriod);
  result["rebootMessage"] = WideToJs(env, actions.lpRebootMsg);
  result["command"] = WideToJs(env, actions.lpCommand);
  Napi::Array list = Napi::Array::New(env, actions.cActions);
  for (DWORD i = 0; i < actions.cActions; ++i) {
    Napi::Object action = Napi::Object::New(env);
    action["type"] = Napi::Number::New(env, actions.lpsaActions[i].Type);
    action["delayMs"] = Napi::Number::New(env, actions.lpsaActions[i].Delay);
    list[i] = action;
  }
  result["actions"] = list;
  return result;
}

Napi::Value Config2ToJs(Napi::Env env, DWORD level, const BYTE* data) {
  switch (level) {
    case SERVICE_CONFIG_DESCRIPTION:
      return WideToJs(env, reinterpret_cast<const SERVICE_DESCRIPTIONW*>(data)->lpDescription);
    case SERVICE_CONFIG_DELAYED_AUTO_START_INFO:
      return Napi::Boolean::New(env, reinterpret_cast<const SERVICE_DELAYED_AUTO_START_INFO*>(data)->fDelayedAutostart != FALSE);
    case SERVICE_CONFIG_FAILURE_ACTIONS:
      return FailureActionsToJs(env, *reinterpret_cast<const SERVICE_FAILURE_ACTIONSW*>(data));
    case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG:
      return Napi::Boolean::New(env, reinterpret_cast<const SERVICE_FAILURE_ACTIONS_FLAG*>(data)->fFailureActionsOnNonCrashFailures != FALSE);
    case SERVICE_CONFIG_PRESHUTDOWN_INFO:
      return Napi::Number::New(env, reinterpret_cast<const SERVICE_PRESHUTDOWN_INFO*>(data)->dwPreshutdownTimeout);
    case SERVICE_CONFIG_SERVICE_SID_INFO:
      return Napi::Number::New(env, reinterpret_cast<const SERVICE_SID_INFO*>(data)->dwServiceSidType);
    case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO:
      return WideListToJs(env, FromMultiString(reinterpret_cast<const SERVICE_REQUIRED_PRIVILEGES_INFOW*>(data)->pmszRequiredPrivileges));
    default:
      return env.Undefined();
  }
}

// One writer per level: it checks `value` and makes one ChangeServiceConfig2W call.
using Writer = void (*)(Napi::Env env, const std::wstring& machine, const std::wstring& name, DWORD level, Napi::Value value, const std::string& where);

void Change(Napi::Env env, SC_HANDLE service, DWORD level, void* info);

void WriteDescription(Napi::Env env, const std::wstring& machine, const std::wstring& name, DWORD level, Napi::Value value, const std::string& where) {
  std::wstring text = ExpectWideString(value, where, true);
  ScHandle service(OpenServiceOrThrow(env, machine, name, SERVICE_CHANGE_CONFIG));
  SERVICE_DESCRIPTIONW description = {text.data()};
  Change(env, service.get(), level, &description);
}

BOOL ExpectFlag(Napi::Env env, Napi::Value value, const std::string& where) {
  if (!value.IsBoolean()) throw MakeTypeError(env, where + ": value must be a boolean");
  return value.As<Napi::Boolean>().Value() ? TRUE : FALSE;
}

DWORD ExpectNumber(Napi::Env env, Napi::Value value, const std::string& where) {
  if (!value.IsNumber()) throw MakeTypeError(env, where + ": value must be a number");
  return value.As<Napi::Number>().Uint32Value();
}

// The four levels whose struct holds one flag or number differ only in that struct and
// in how the value is checked: one writer, instantiated per struct.
template <typename Info, auto Expect>
void WriteOne(Napi::Env env, const std::wstring& machine, const std::wstring& name, DWORD level, Napi::Value value, const std::string& where) {
  Info info = {Expect(env, value, where)};
  ScHandle service(OpenServiceOrThrow(env, machine, name, SERVICE_CHANGE_CONFIG));
  Change(env, service.get(), level, &info);
}

void WriteRequiredPrivileges(Napi::Env env, const std::wstring& machine, const std::wstring& name, DWORD level, Napi::Value value, const std::string& where) {
  if (!value.IsArray()) throw MakeTypeError(env, where + ": value must be an array of strings");
  Napi::Object holder = Napi::Object::New(env);
  holder["list"] = value;
  std::wstring multi = ToMultiString(OptionalWideStringList(holder, "list", where));
  ScHandle service(OpenServiceOrThrow(env, machine, name, SERVICE_CHANGE_CONFIG));
  SERVICE_REQUIRED_PRIVILEGES_INFOW privileges = {multi.data()};
  Change(env, service.get(), level, &privileges);
}

void WriteFailureActions(Napi::Env env, const std::wstring& machine, const std::wstring& name, DWORD level, Napi::Value value, const std::string& where) {
  if (!value.IsObject()) throw MakeTypeError(env, where + ": value must be an object");
  Napi::Object spec = value.As<Napi::Object>();
  DWORD resetPeriod = OptionalUint32(spec, "resetPeriodSec", where).value_or(INFINITE);
  std::optional<std::wstring> rebootMessage = OptionalWideString(spec, "rebootMessage", where);
  std::optional<std::wstring> command = OptionalWideString(spec, "command", where);
  Napi::Value list = spec.Get("actions");
  if (!list.IsArray()) throw MakeTypeError(env, where + ".actions must be an array");
  Napi::Array array = list.As<Napi::Array>();
  std::vector<SC_ACTION> actions;
  bool restarts = false;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    std::string at = where + ".actions[" + std::to_string(i) + "]";
    if (!array.Get(i).IsObject()) throw MakeTypeError(env, at + " must be an object");
    Napi::Object action = array.Get(i).As<Napi::Object>();
    DWORD type = OptionalUint32(action, "type", at, SC_ACTION_NONE, SC_ACTION_RUN_COMMAND).value_or(SC_ACTION_NONE);
    DWORD delay = OptionalUint32(action, "delayMs", at).value_or(0);
    restarts = restarts || type == SC_ACTION_RESTART;
    actions.push_back(SC_ACTION{static_cast<SC_ACTION_TYPE>(type), delay});
  }
  SERVICE_FAILURE_ACTIONSW failure = {};
  failure.dwResetPeriod = resetPeriod;
  failure.lpRebootMsg = rebootMessage ? rebootMessage->data() : nullptr;
  failure.lpCommand = command ? command->data() : nullptr;
  failure.cActions = static_cast<DWORD>(actions.size());
  failure.lpsaActions = actions.empty() ? nullptr : actions.data();
  // A restart action needs SERVICE_START on the handle that sets it.
  ScHandle service(OpenServiceOrThrow(env, machine, name, SERVICE_CHANGE_CONFIG | (restarts ? SERVICE_START : 0)));
  Change(env, service.get(), level, &failure);
}

struct Level {
  DWORD level;
  const char* field;    // the name JavaScript uses
  const char* syscall;  // what a failure names
  Writer write;
};

constexpr Level kLevels[] = {
    {SERVICE_CONFIG_DESCRIPTION, "description", "ChangeServiceConfig2W(SERVICE_CONFIG_DESCRIPTION)", WriteDescription},
    {SERVICE_CONFIG_DELAYED_AUTO_START_INFO, "delayedAutoStart", "ChangeServiceConfig2W(SERVICE_CONFIG_DELAYED_AUTO_START_INFO)", (WriteOne<SERVICE_DELAYED_AUTO_START_INFO, ExpectFlag>)},
    {SERVICE_CONFIG_FAILURE_ACTIONS, "failureActions", "ChangeServiceConfig2W(SERVICE_CONFIG_FAILURE_ACTIONS)", WriteFailureActions},
    {SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, "failureActionsOnNonCrash", "ChangeServiceConfig2W(SERVICE_CONFIG_FAILURE_ACTIONS_FLAG)", (WriteOne<SERVICE_FAILURE_ACTIONS_FLAG, ExpectFlag>)},
    {SERVICE_CONFIG_PRESHUTDOWN_INFO, "preshutdownTimeoutMs", "ChangeServiceConfig2W(SERVICE_CONFIG_PRESHUTDOWN_INFO)", (WriteOne<SERVICE_PRESHUTDOWN_INFO, ExpectNumber>)},
    {SERVICE_CONFIG_SERVICE_SID_INFO, "sidType", "ChangeServiceConfig2W(SERVICE_CONFIG_SERVICE_SID_INFO)", (WriteOne<SERVICE_SID_INFO, ExpectNumber>)},
    {SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO, "requiredPrivileges", "ChangeServiceConfig2W(SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO)", WriteRequiredPrivileges},
};

const Level& LevelNamed(Napi::Env env, const std::string& field) {
  for (const Level& level : kLevels) {
    if (field == level.field) return level;
  }
  throw MakeRangeError(env, "scmSetConfig2(name, level): unknown level \"" + field + "\"");
}

void Change(Napi::Env env, SC_HANDLE service, DWORD level, void* info) {
  if (ChangeServiceConfig2W(service, level, info)) return;
  DWORD error = GetLastError();
  const char* syscall = "ChangeServiceConfig2W";
  for (const Level& known : kLevels) {
    if (known.level == level) syscall = known.syscall;
  }
  throw Win32Error(env, error, syscall);
}

}  // namespace

void AddConfig2Fields(Napi::Env env, SC_HANDLE service, Napi::Object result) {
  Napi::Object unavailable = Napi::Object::New(env);
  std::vector<BYTE> buffer;
  for (const Level& level : kLevels) {
    DWORD error = Query(service, level.level, buffer);
    if (error == NO_ERROR && !buffer.empty()) {
      result[level.field] = Config2ToJs(env, level.level, buffer.data());
    } else {
      unavailable[level.field] = Win32Error(env, error == NO_ERROR ? ERROR_INVALID_DATA : error, "QueryServiceConfig2W").Value();
    }
  }
  result["unavailable"] = unavailable;
}

// scmSetConfig2(name, level, value, machine?): the level's writer, one ChangeServiceConfig2W call.
Napi::Value ScmSetConfig2(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = ExpectWideString(info[0], "scmSetConfig2(name)");
  if (info.Length() < 3 || !info[1].IsString()) throw MakeTypeError(env, "scmSetConfig2(name, level, value): level must be a string");
  std::string field = info[1].As<Napi::String>().Utf8Value();
  const Level& level = LevelNamed(env, field);
  std::wstring machine = MachineArgument(info, 3, "scmSetConfig2(name, level, value, machine)");
  level.write(env, machine, name, level.level, info[2], "scmSetConfig2(name, \"" + field + "\", value)");
  return env.Undefined();
}

}  // namespace servicehost
