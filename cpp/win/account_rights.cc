// See account_rights.h. `account` is DOMAIN\user, .\user (this computer), a
// name LookupAccountNameW knows, or a string SID (S-1-5-...). Every function
// here is exported by advapi32 on every Windows and under Wine, so they are
// bound statically (Wine's LsaAddAccountRights returns success and stores nothing).
// All run on the main thread, called synchronously from install/configure/uninstall (short LSA calls).
#include "account_rights.h"

#include <windows.h>

#include <ntsecapi.h>
#include <sddl.h>

#include <string>
#include <vector>

#include "../common/js_error.h"
#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

namespace {

#ifndef STATUS_OBJECT_NAME_NOT_FOUND
constexpr NTSTATUS STATUS_OBJECT_NAME_NOT_FOUND = static_cast<NTSTATUS>(0xC0000034L);
#endif

// LookupAccountNameW does not take ".\user", which services.msc and sc.exe do.
std::wstring ExpandLocalPrefix(const std::wstring& account) {
  if (account.size() < 3 || account[0] != L'.' || account[1] != L'\\') return account;
  wchar_t computer[MAX_COMPUTERNAME_LENGTH + 1];
  DWORD size = MAX_COMPUTERNAME_LENGTH + 1;
  if (!GetComputerNameW(computer, &size)) return account.substr(2);
  return std::wstring(computer, size) + account.substr(1);
}

std::vector<BYTE> SidOf(Napi::Env env, const std::wstring& account) {
  if (account.rfind(L"S-1-", 0) == 0) {
    PSID sid = nullptr;
    if (!ConvertStringSidToSidW(account.c_str(), &sid)) throw Win32Error(env, GetLastError(), "ConvertStringSidToSidW");
    std::vector<BYTE> copy(static_cast<BYTE*>(sid), static_cast<BYTE*>(sid) + GetLengthSid(sid));
    LocalFree(sid);
    return copy;
  }
  std::wstring name = ExpandLocalPrefix(account);
  DWORD sidSize = 0;
  DWORD domainSize = 0;
  SID_NAME_USE use;
  LookupAccountNameW(nullptr, name.c_str(), nullptr, &sidSize, nullptr, &domainSize, &use);
  DWORD error = GetLastError();
  if (error != ERROR_INSUFFICIENT_BUFFER) throw Win32Error(env, error, "LookupAccountNameW");
  std::vector<BYTE> sid(sidSize);
  std::vector<wchar_t> domain(domainSize + 1);
  if (!LookupAccountNameW(nullptr, name.c_str(), sid.data(), &sidSize, domain.data(), &domainSize, &use)) {
    throw Win32Error(env, GetLastError(), "LookupAccountNameW");
  }
  return sid;
}

std::wstring SidString(Napi::Env env, std::vector<BYTE>& sid) {
  LPWSTR text = nullptr;
  if (!ConvertSidToStringSidW(sid.data(), &text)) throw Win32Error(env, GetLastError(), "ConvertSidToStringSidW");
  std::wstring result(text);
  LocalFree(text);
  return result;
}

void ThrowIfFailed(Napi::Env env, NTSTATUS status, const char* call) {
  if (status != 0) throw Win32Error(env, LsaNtStatusToWinError(status), call);
}

// Closes the policy handle on every path out.
class Policy {
 public:
  Policy(Napi::Env env, ACCESS_MASK access) {
    LSA_OBJECT_ATTRIBUTES attributes = {};
    ThrowIfFailed(env, LsaOpenPolicy(nullptr, &attributes, access, &handle_), "LsaOpenPolicy");
  }
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;
  ~Policy() { LsaClose(handle_); }
  LSA_HANDLE get() const { return handle_; }

 private:
  LSA_HANDLE handle_ = nullptr;
};

LSA_UNICODE_STRING LsaString(const std::wstring& text) {
  LSA_UNICODE_STRING result;
  result.Buffer = const_cast<PWSTR>(text.c_str());
  result.Length = static_cast<USHORT>(text.size() * sizeof(wchar_t));
  result.MaximumLength = static_cast<USHORT>(result.Length + sizeof(wchar_t));
  return result;
}

std::vector<std::wstring> RightsArgument(const Napi::CallbackInfo& info, const char* function) {
  std::string where = std::string(function) + "(account, rights)";
  if (!info[1].IsArray()) throw MakeTypeError(info.Env(), where + ": rights must be an array of strings");
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<std::wstring> rights;
  for (uint32_t index = 0; index < list.Length(); ++index) {
    std::wstring right = ExpectWideString(list.Get(index), where + ": rights[" + std::to_string(index) + "]");
    if (right.size() > 0x7FFE / sizeof(wchar_t)) throw MakeRangeError(info.Env(), where + ": a right's name is too long");
    rights.push_back(right);
  }
  return rights;
}

Napi::Value ChangeRights(const Napi::CallbackInfo& info, bool grant) {
  Napi::Env env = info.Env();
  const char* function = grant ? "grantAccountRights" : "revokeAccountRights";
  std::wstring account = ExpectWideString(info[0], std::string(function) + "(account, rights): account");
  std::vector<std::wstring> rights = RightsArgument(info, function);
  std::vector<BYTE> sid = SidOf(env, account);
  std::vector<LSA_UNICODE_STRING> strings;
  for (const std::wstring& right : rights) strings.push_back(LsaString(right));
  if (strings.empty()) return env.Undefined();
  Policy policy(env, POLICY_LOOKUP_NAMES | POLICY_CREATE_ACCOUNT);
  NTSTATUS status = grant ? LsaAddAccountRights(policy.get(), sid.data(), strings.data(), static_cast<ULONG>(strings.size()))
                          : LsaRemoveAccountRights(policy.get(), sid.data(), FALSE, strings.data(), static_cast<ULONG>(strings.size()));
  // Revoking from an account with no rights at all: nothing to remove.
  if (!grant && status == STATUS_OBJECT_NAME_NOT_FOUND) return env.Undefined();
  ThrowIfFailed(env, status, grant ? "LsaAddAccountRights" : "LsaRemoveAccountRights");
  return env.Undefined();
}

}  // namespace

Napi::Value GetAccountRights(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring account = ExpectWideString(info[0], "getAccountRights(account): account");
  std::vector<BYTE> sid = SidOf(env, account);
  std::vector<std::wstring> rights;
  {
    Policy policy(env, POLICY_LOOKUP_NAMES);
    PLSA_UNICODE_STRING list = nullptr;
    ULONG count = 0;
    NTSTATUS status = LsaEnumerateAccountRights(policy.get(), sid.data(), &list, &count);
    // An account with no rights of its own has no entry in the policy.
    if (status != STATUS_OBJECT_NAME_NOT_FOUND) {
      ThrowIfFailed(env, status, "LsaEnumerateAccountRights");
      for (ULONG index = 0; index < count; ++index) rights.emplace_back(list[index].Buffer, list[index].Length / sizeof(wchar_t));
      LsaFreeMemory(list);
    }
  }
  Napi::Object result = Napi::Object::New(env);
  result["sid"] = WideToJs(env, SidString(env, sid).c_str());
  result["rights"] = WideListToJs(env, rights);
  return result;
}

Napi::Value GrantAccountRights(const Napi::CallbackInfo& info) { return ChangeRights(info, true); }
Napi::Value RevokeAccountRights(const Napi::CallbackInfo& info) { return ChangeRights(info, false); }

}  // namespace servicehost
