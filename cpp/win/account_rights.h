// An account's user rights in the local security policy (LSA): what services.msc
// does when it sets a service's account, and sc.exe does not. Main thread only.
#pragma once

#include <napi.h>

namespace servicehost {

// getAccountRights(account): { sid, rights } — the rights granted to the account
// itself (not through its groups); an account with none has [].
Napi::Value GetAccountRights(const Napi::CallbackInfo& info);
// grantAccountRights(account, rights[]): LsaAddAccountRights.
Napi::Value GrantAccountRights(const Napi::CallbackInfo& info);
// revokeAccountRights(account, rights[]): LsaRemoveAccountRights (the rights only,
// never the account's whole entry).
Napi::Value RevokeAccountRights(const Napi::CallbackInfo& info);

}  // namespace servicehost
