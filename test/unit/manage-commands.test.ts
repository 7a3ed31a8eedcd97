// Which systemctl / launchctl servicehost runs: an absolute path, another one
// only when named explicitly, and an environment variable never when the
// environment may be someone else's (root, sudo).
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { readPasswordFromStdin } from '../../lib/cli/password';
import { checkCommandOverrides, commandPath } from '../../lib/manage/commands';
import { userConfigHome } from '../../lib/manage/user-home';

describe('commandPath', () => {
  test('the standard program by absolute path, never a bare name looked up on PATH', () => {
    expect(commandPath('systemctl', {}, {})).toMatch(/^\/(usr\/)?bin\/systemctl$/u);
    expect(commandPath('launchctl', {}, {})).toBe('/bin/launchctl');
  });

  test('an explicit override always wins; the environment only outside root and sudo', () => {
    expect(commandPath('systemctl', { systemctl: '/opt/fake' }, { SUDO_UID: '1000' })).toBe('/opt/fake');
    const fromEnvironment = commandPath('systemctl', {}, { SERVICEHOST_SYSTEMCTL: '/tmp/evil' });
    expect(fromEnvironment).toBe(process.geteuid?.() === 0 ? commandPath('systemctl', {}, {}) : '/tmp/evil');
    expect(commandPath('systemctl', {}, { SERVICEHOST_SYSTEMCTL: '/tmp/evil', SUDO_UID: '1000' })).not.toBe('/tmp/evil');
  });

  test('overrides are checked', () => {
    expect(() => checkCommandOverrides('commands', { sh: '/bin/sh' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => checkCommandOverrides('commands', { systemctl: '' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});

describe('userConfigHome', () => {
  test('a relative XDG_CONFIG_HOME is ignored, as the XDG spec says', () => {
    expect(userConfigHome({ XDG_CONFIG_HOME: 'relative/config' }, 1000)).not.toContain('relative');
    expect(userConfigHome({ XDG_CONFIG_HOME: '/home/u/.cfg' }, 1000)).toBe('/home/u/.cfg');
  });

  test("under sudo as root, the target user's home from the password database, whatever HOME and XDG say", () => {
    expect(userConfigHome({ SUDO_USER: 'root', XDG_CONFIG_HOME: '/home/attacker/.config', HOME: '/home/attacker' }, 0)).toBe('/root/.config');
  });
});

describe('readPasswordFromStdin', () => {
  test('all of stdin, without the final line break', async () => {
    expect(await readPasswordFromStdin(Readable.from([Buffer.from('pa ss'), Buffer.from('word\n')]))).toBe('pa ssword');
  });
});
