// Who besides administrators can change a file or folder: the broad groups
// (Everyone, Authenticated Users, Users, Interactive) that its DACL lets write,
// and an owner that is not an administrator (an owner may rewrite the DACL).
// For the least-privilege check of what a service runs. Main thread only.
#include <windows.h>

#include <aclapi.h>
#include <sddl.h>

#include <string>
#include <vector>

#include "../binding.h"
#include "../common/js_error.h"
#include "wide_args.h"
#include "win32_error.h"

namespace servicehost {

namespace {

// The specific rights: a file's stored ACEs carry generic rights already
// mapped to these (only inherit-only ACEs keep generic bits, and those are skipped).
constexpr ACCESS_MASK kWriteRights = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES |
                                     FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER;

struct BroadGroup {
  WELL_KNOWN_SID_TYPE type;
  const char* name;
};

constexpr BroadGroup kBroadGroups[] = {
    {WinWorldSid, "Everyone"},
    {WinAuthenticatedUserSid, "Authenticated Users"},
    {WinBuiltinUsersSid, "Users"},
    {WinInteractiveSid, "Interactive"},
};

// Owners that may own what a service runs: they can do anything anyway.
constexpr WELL_KNOWN_SID_TYPE kTrustedOwners[] = {WinBuiltinAdministratorsSid, WinLocalSystemSid, WinLocalServiceSid, WinNetworkServiceSid};

bool IsWellKnown(PSID sid, WELL_KNOWN_SID_TYPE type) {
  BYTE buffer[SECURITY_MAX_SID_SIZE];
  DWORD size = sizeof(buffer);
  return CreateWellKnownSid(type, nullptr, buffer, &size) && EqualSid(sid, buffer);
}

std::string SidText(PSID sid) {
  LPWSTR text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) return "an unknown account";
  std::string result;
  for (const wchar_t* c = text; *c != L'\0'; ++c) result.push_back(static_cast<char>(*c));
  LocalFree(text);
  return result;
}

bool IsTrustedInstaller(PSID sid) {
  return SidText(sid) == "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
}

// The account this process runs as: the installer, already an administrator
// if it may install services at all; what it owns, it alone can change.
bool IsThisProcessUser(PSID sid) {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
  std::vector<BYTE> buffer(SECURITY_MAX_SID_SIZE + sizeof(TOKEN_USER));
  DWORD size = 0;
  bool same = GetTokenInformation(token, TokenUser, buffer.data(), static_cast<DWORD>(buffer.size()), &size) &&
              EqualSid(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid, sid);
  CloseHandle(token);
  return same;
}

}  // namespace

// fileWriters(path) → [{ who, why }]: the broad groups allowed to write, and an
// owner that is not an administrator, SYSTEM, TrustedInstaller or this process's own user.
Napi::Value FileWriters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring path = ExpectWideString(info[0], "fileWriters(path)");
  PSID owner = nullptr;
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  DWORD status = GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                       &owner, nullptr, &dacl, nullptr, &descriptor);
  if (status != ERROR_SUCCESS) throw Win32Error(env, status, "GetNamedSecurityInfoW");
  Napi::Array result = Napi::Array::New(env);
  uint32_t count = 0;
  auto add = [&](const std::string& who, const char* why) {
    Napi::Object finding = Napi::Object::New(env);
    finding["who"] = who;
    finding["why"] = why;
    result[count++] = finding;
  };
  if (dacl == nullptr) {
    add("Everyone", "the object has no DACL: everyone has full access");
  } else {
    for (DWORD i = 0; i < dacl->AceCount; ++i) {
      ACE_HEADER* header = nullptr;
      if (!GetAce(dacl, i, reinterpret_cast<void**>(&header)) || header->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
      if ((header->AceFlags & INHERIT_ONLY_ACE) != 0) continue;
      auto* ace = reinterpret_cast<ACCESS_ALLOWED_ACE*>(header);
      if ((ace->Mask & kWriteRights) == 0) continue;
      PSID sid = reinterpret_cast<PSID>(&ace->SidStart);
      for (const BroadGroup& group : kBroadGroups) {
        if (IsWellKnown(sid, group.type)) add(group.name, "may write");
      }
    }
  }
  if (owner != nullptr) {
    bool trusted = IsTrustedInstaller(owner) || IsThisProcessUser(owner);
    for (WELL_KNOWN_SID_TYPE type : kTrustedOwners) trusted = trusted || IsWellKnown(owner, type);
    if (!trusted) add(SidText(owner), "owns it (an owner may change who can write)");
  }
  LocalFree(descriptor);
  return result;
}

// setLogDirectoryAcl(path, account?): a service's log folder, for its captured
// output. A protected DACL, inherited by what is made in it: SYSTEM and
// Administrators full control, `account` (the service's) modify, Users read.
// Main thread (install, elevated).
Napi::Value SetLogDirectoryAcl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring path = ExpectWideString(info[0], "setLogDirectoryAcl(path)");
  // FA full control, FRFX read and execute; 0x1301bf is modify (read, write, execute, delete).
  std::wstring sddl = L"D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FRFX;;;BU)";
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    std::wstring account = ExpectWideString(info[1], "setLogDirectoryAcl(path, account)");
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sidSize = sizeof(sid);
    wchar_t domain[256];
    DWORD domainSize = 256;
    SID_NAME_USE use;
    if (!LookupAccountNameW(nullptr, account.c_str(), sid, &sidSize, domain, &domainSize, &use)) {
      throw Win32Error(env, GetLastError(), "LookupAccountNameW");
    }
    std::string sidText = SidText(sid);  // S-1-5-80-...: ASCII
    sddl += L"(A;OICI;0x1301bf;;;" + std::wstring(sidText.begin(), sidText.end()) + L")";
  }
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &descriptor, nullptr)) {
    throw Win32Error(env, GetLastError(), "ConvertStringSecurityDescriptorToSecurityDescriptorW");
  }
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL dacl = nullptr;
  GetSecurityDescriptorDacl(descriptor, &present, &dacl, &defaulted);
  DWORD status = SetNamedSecurityInfoW(const_cast<wchar_t*>(path.c_str()), SE_FILE_OBJECT,
                                       DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr, nullptr,
                                       dacl, nullptr);
  LocalFree(descriptor);
  if (status != ERROR_SUCCESS) throw Win32Error(env, status, "SetNamedSecurityInfoW");
  return env.Undefined();
}

// fileDacl(path) → the DACL as SDDL ("D:PAI(A;OICI;FA;;;SY)..."), as the system reports it. Main thread.
Napi::Value FileDacl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring path = ExpectWideString(info[0], "fileDacl(path)");
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  DWORD status = GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl,
                                       nullptr, &descriptor);
  if (status != ERROR_SUCCESS) throw Win32Error(env, status, "GetNamedSecurityInfoW");
  LPWSTR text = nullptr;
  BOOL converted = ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, SDDL_REVISION_1,
                                                                        DACL_SECURITY_INFORMATION, &text, nullptr);
  DWORD error = GetLastError();
  LocalFree(descriptor);
  if (!converted) throw Win32Error(env, error, "ConvertSecurityDescriptorToStringSecurityDescriptorW");
  Napi::String result = WideToJs(env, text);
  LocalFree(text);
  return result;
}

}  // namespace servicehost
