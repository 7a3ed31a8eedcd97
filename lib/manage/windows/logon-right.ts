// The "Log on as a service" right (SeServiceLogonRight) for a service that runs
// as a user account: without it the SCM cannot start the service (error 1069,
// ERROR_SERVICE_LOGON_FAILED). services.msc grants it when an account is set;
// sc.exe and CreateServiceW do not, so install and configure grant it here.
// What servicehost granted is recorded under the service's registry key, and
// uninstall revokes that and nothing else: a right the account already had
// stays, and so does one another service running as the same account needs.
import { windowsNative } from '../../native/load';
import type { NativeServiceManager } from '../../native/windows-binding';
import type { ResolvedSpec } from '../spec';

export const LOGON_RIGHT = 'SeServiceLogonRight';

/** Under the service's registry key: the SIDs servicehost granted SeServiceLogonRight to, `;`-separated. */
export const GRANTED_LOGON_RIGHT_VALUE = 'ServicehostGrantedLogonRight';

/** A right servicehost granted while installing or configuring. */
export interface GrantedRight {
  /** The account as the spec names it (DOMAIN\user or .\user). */
  account: string;
  /** The right's name: SeServiceLogonRight. */
  right: string;
}

function native(): NativeServiceManager {
  return windowsNative();
}

function codeAndMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
}

function recordedSids(service: string): string[] {
  try {
    return (native().scmGetServiceValue(service, GRANTED_LOGON_RIGHT_VALUE) ?? '').split(';').filter((sid) => sid !== '');
  } catch {
    return [];
  }
}

/**
 * Grants `account` SeServiceLogonRight when it lacks it, and records that.
 * A failure (a domain account whose controller cannot be reached) is a
 * warning: the service may still start, and if not, the start says 1069.
 */
export function ensureLogonRight(service: string, account: string): { granted?: GrantedRight; warning?: string } {
  try {
    const { sid, rights } = native().getAccountRights(account);
    if (rights.includes(LOGON_RIGHT)) return {};
    native().grantAccountRights(sid, [LOGON_RIGHT]);
    const sids = recordedSids(service);
    if (!sids.includes(sid)) native().scmSetServiceValue(service, GRANTED_LOGON_RIGHT_VALUE, [...sids, sid].join(';'));
    return { granted: { account, right: LOGON_RIGHT } };
  } catch (error) {
    return {
      warning:
        `could not check or grant ${account} the right to log on as a service (${LOGON_RIGHT}): ${codeAndMessage(error)}. ` +
        'Grant it in secpol.msc (Local Policies > User Rights Assignment > Log on as a service), or the service fails to start with error 1069',
    };
  }
}

/** What uninstall revokes later: read before the service (and its registry key) is deleted. */
export function grantedLogonRights(service: string): string[] {
  return recordedSids(service);
}

// Accounts that never need the right granted: the built-in and virtual ones.
function isUserAccount(account: string): boolean {
  const lower = account.toLowerCase();
  return lower !== '' && lower !== 'localsystem' && !lower.startsWith('nt authority\\') && !lower.startsWith('nt service\\');
}

/** Whether a service other than `except` runs as the account `sid`. */
function usedByAnotherService(sid: string, except: string): boolean {
  for (const { name } of native().scmEnumServices()) {
    if (name.toLowerCase() === except.toLowerCase()) continue;
    try {
      const { account } = native().scmQueryConfig(name);
      if (isUserAccount(account) && native().getAccountRights(account).sid === sid) return true;
    } catch {
      // A service removed meanwhile, or an account that no longer resolves: not this one.
    }
  }
  return false;
}

/**
 * Revokes what servicehost granted for `service` (the SIDs read by
 * grantedLogonRights before deleting it), unless another service runs as that
 * account. Best effort: the uninstall itself has already succeeded.
 */
export function revokeGrantedLogonRights(service: string, sids: readonly string[]): void {
  for (const sid of sids) {
    try {
      if (!usedByAnotherService(sid, service)) native().revokeAccountRights(sid, [LOGON_RIGHT]);
    } catch {
      // Kept: a right left behind is what services.msc leaves too.
    }
  }
}

/** For install and configure: a user account gets the right if it lacks it; what was granted, and a warning if it could not be. */
export function grantLogonRightFor(spec: ResolvedSpec, warnings: string[]): GrantedRight[] {
  const account = spec.windows.account;
  if (typeof account !== 'object') return [];
  const { granted, warning } = ensureLogonRight(spec.name, account.user);
  if (warning !== undefined) warnings.push(warning);
  return granted === undefined ? [] : [granted];
}
