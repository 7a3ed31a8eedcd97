import { describe, expect, test } from 'vitest';
import { parseRemoteHost } from '../../lib/manage/remote-host';
import type { SystemdRemoteHost } from '../../lib/manage/systemd/remote-host';
import type { WindowsRemoteHost } from '../../lib/manage/windows/remote-host';
import { execStartArgv, parseShowBlocks, remoteSystemctlArgs, sshArgs } from '../../lib/manage/systemd/systemd-remote';

const code = (action: () => unknown): string | undefined => {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('parseRemoteHost: Windows', () => {
  test('\\\\server and server name the same machine, given to OpenSCManagerW with its backslashes', () => {
    expect(parseRemoteHost('\\\\build01', 'windows', '--host')).toEqual({ platform: 'windows', text: '\\\\build01', machine: '\\\\build01' });
    expect((parseRemoteHost('build01.corp.example', 'windows', '--host') as WindowsRemoteHost).machine).toBe('\\\\build01.corp.example');
    expect((parseRemoteHost('10.0.0.7', 'windows', '--host') as WindowsRemoteHost).machine).toBe('\\\\10.0.0.7');
  });

  test.each(['', '\\\\', '-server', 'a b', 'srv\n', 'srv\u0007', '\\\\srv\\share', 'srv/x', '.srv', 'user@srv', '\\\\-x'])('refuses %j', (text) => {
    expect(code(() => parseRemoteHost(text, 'windows', '--host'))).toBe('ERR_SERVICEHOST_INVALID_HOST');
  });
});

describe('parseRemoteHost: systemd', () => {
  test('user@host[:port], host, and [IPv6]', () => {
    expect(parseRemoteHost('root@web1:2222', 'systemd', '--host')).toEqual({ platform: 'systemd', text: 'root@web1:2222', user: 'root', hostname: 'web1', port: 2222 });
    expect(parseRemoteHost('web1.example.org', 'systemd', '--host')).toMatchObject({ user: undefined, hostname: 'web1.example.org', port: undefined });
    expect(parseRemoteHost('ops@[fd00::1]:22', 'systemd', '--host')).toMatchObject({ user: 'ops', hostname: 'fd00::1', port: 22 });
  });

  test.each([
    '',
    '-oProxyCommand=x',
    'root@-oProxyCommand=x',
    '-p22 host',
    'host name',
    'host\tname',
    'host\u0000',
    'host\u009b',
    'host:0',
    'host:65536',
    'host:22x',
    'host/machine',
    '@host',
    '-user@host',
    'us er@host',
    'host;reboot',
    '$(reboot)',
    '[::1',
    'host:',
  ])('refuses %j with ERR_SERVICEHOST_INVALID_HOST', (text) => {
    expect(code(() => parseRemoteHost(text, 'systemd', '--host'))).toBe('ERR_SERVICEHOST_INVALID_HOST');
  });

  test("the message names the value in the caller's words", () => {
    expect(() => parseRemoteHost('-x', 'systemd', 'list(filter).host')).toThrow(/^list\(filter\)\.host: "-x" .*option/u);
  });

  test('not a string: ERR_INVALID_ARG_TYPE', () => {
    expect(code(() => parseRemoteHost(7, 'systemd', '--host'))).toBe('ERR_INVALID_ARG_TYPE');
  });
});

test('launchd is refused with the reason, whatever the host', () => {
  expect(code(() => parseRemoteHost('mac1', 'launchd', '--host'))).toBe('ERR_SERVICEHOST_REMOTE_UNSUPPORTED');
  expect(() => parseRemoteHost('mac1', 'launchd', '--host')).toThrow(/launchctl drives only the machine it runs on/u);
});

describe('the argument arrays a systemd host gets', () => {
  const host = parseRemoteHost('ops@web1:2222', 'systemd', '--host') as SystemdRemoteHost;

  test('systemctl: -H first, the units after --', () => {
    expect(remoteSystemctlArgs(host, ['show', '--property=Id'], ['api.service'])).toEqual(['--host=ops@web1:2222', '--no-pager', 'show', '--property=Id', '--', 'api.service']);
  });

  test('ssh: no X11, no terminal, no prompt, the port, --, then the destination and one quoted command line for the shell there', () => {
    expect(sshArgs(host, ['/usr/bin/journalctl', '--unit=api.service', "--since=@1 it's"])).toEqual([
      '-x',
      '-T',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=15',
      '-p',
      '2222',
      '--',
      'ops@web1',
      "/usr/bin/journalctl --unit=api.service '--since=@1 it'\\''s'",
    ]);
  });

  test("show's blocks and ExecStart's argv", () => {
    expect(parseShowBlocks('Id=a.service\nMainPID=1\n\nId=b.service\nMainPID=0\n')).toEqual([
      { Id: 'a.service', MainPID: '1' },
      { Id: 'b.service', MainPID: '0' },
    ]);
    expect(execStartArgv('{ path=/usr/bin/node ; argv[]=/usr/bin/node /srv/app.js --port 80 ; ignore_errors=no ; start_time=[n/a] }')).toEqual(['/usr/bin/node', '/srv/app.js', '--port', '80']);
  });
});
