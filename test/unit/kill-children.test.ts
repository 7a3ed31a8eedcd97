// --no-kill-children / windows.killChildren: false, from the command line to
// the service's environment and back out in servicehost/register (issue 20).
// The job itself is proven in the Windows ring (test/windows/kill-children.test.ts).
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../lib/cli/args';
import { installSpecOf } from '../../lib/cli/install-spec';
import { VERBS } from '../../lib/cli/verbs';
import { KILL_CHILDREN_VARIABLE } from '../../lib/lifecycle/installed-environment';
import { resolveSpec } from '../../lib/manage/spec';
import { environmentEntries } from '../../lib/manage/windows/service-config';
import { takeKillChildrenSetting } from '../../lib/windows/job';

const parse = (argv: string[]) => parseCommandLine(argv, (verb) => VERBS[verb]?.options);

describe('kill children', () => {
  test('--no-kill-children → windows.killChildren false → SERVICEHOST_KILL_CHILDREN=0 in the environment', () => {
    const spec = installSpecOf(parse(['install', '--name', 'api', '--no-kill-children', '--', 'a.js']));
    expect(spec.windows).toEqual({ killChildren: false });
    expect(environmentEntries(resolveSpec(spec, 'windows'))).toContain(`${KILL_CHILDREN_VARIABLE}=0`);
  });

  test('by default (and with --kill-children) the variable is not written', () => {
    for (const argv of [['install', '--name', 'api', '--', 'a.js'], ['install', '--name', 'api', '--kill-children', '--', 'a.js']]) {
      const spec = installSpecOf(parse(argv));
      expect(spec.windows?.killChildren).not.toBe(false);
      expect(environmentEntries(resolveSpec(spec, 'windows')).some((entry) => entry.startsWith(`${KILL_CHILDREN_VARIABLE}=`))).toBe(false);
    }
  });

  test('windows.killChildren must be a boolean', () => {
    expect(() => resolveSpec({ name: 'api', script: 'a.js', windows: { killChildren: 'no' } }, 'windows')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('spec.windows.killChildren') }),
    );
  });

  test('the preload reads the variable once and removes it, so children do not inherit it', () => {
    process.env[KILL_CHILDREN_VARIABLE] = '0';
    expect(takeKillChildrenSetting()).toBe(false);
    expect(process.env[KILL_CHILDREN_VARIABLE]).toBeUndefined();
    expect(takeKillChildrenSetting()).toBe(true);
    process.env[KILL_CHILDREN_VARIABLE] = '1';
    expect(takeKillChildrenSetting()).toBe(true);
    expect(process.env[KILL_CHILDREN_VARIABLE]).toBeUndefined();
  });
});
