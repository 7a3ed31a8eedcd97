// Install specs for tests, resolved as install() resolves them, with the
// machine-specific paths pinned so generated files are the same everywhere.
import { resolveSpec, type ResolvedSpec } from '../../lib/manage/spec';
import type { InstallSpec } from '../../lib/manage/spec-types';

export const PINNED_NODE = '/usr/bin/node';
export const PINNED_REGISTER = '/usr/lib/node_modules/servicehost/dist/register.js';

export function pinnedSpec(spec: Omit<InstallSpec, 'node'>, platform: 'systemd' | 'launchd' | 'windows' = 'systemd'): ResolvedSpec {
  const resolved = resolveSpec({ node: PINNED_NODE, ...spec }, platform);
  return { ...resolved, registerModule: resolved.registerModule === undefined ? undefined : PINNED_REGISTER };
}
