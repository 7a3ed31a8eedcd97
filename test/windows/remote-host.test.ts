// `--host` / `{ host }` on Windows: the machine name threaded through every
// native manager call (OpenSCManagerW, RegConnectRegistryW). What Wine does
// with a machine name, measured here (wine64 8.0): its SCM calls never leave
// the machine (the local SCM answers for the machine's own name and for a
// name that does not resolve alike), while RegConnectRegistryW refuses a name
// that does not resolve with ERROR_BAD_NETPATH (53). So under Wine the whole
// verb set runs over `--host <own name>`, and a name that does not resolve is
// ERR_SERVICEHOST_HOST_UNREACHABLE through the registry half of a query. On
// windows-latest the SCM's own RPC refuses that name (RPC_S_SERVER_UNAVAILABLE
// 1722, or 53): the same code. A real remote SCM (\\localhost through RPC) is
// on the windows-latest-only list (test/windows/README.md).
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { isNativeWindows, toWindowsPath } from '../../scripts/windows-env.mjs';
import { manage, servicehostCommand, uninstallQuietly } from './harness/manage';
import { fixturesDir, scratchDir, uniqueServiceName } from './harness/service';

const ring = inject('windowsRing');
const underWine = !isNativeWindows;
// This machine by its own name (Wine's computer name is the Linux host name).
const own = os.hostname();
// .invalid never resolves (RFC 2606).
const nowhere = 'servicehost-no-such-host.invalid';

describe.skipIf(!ring.available)('--host on the Windows SCM', () => {
  test("what the SCM and the registry do with the machine's own name and with one that does not resolve", async () => {
    const [ownScm, nowhereScm, ownRegistry, nowhereRegistry] = await manage([
      { op: 'native', fn: 'scmQueryStatus', args: ['RpcSs', `\\\\${own}`] },
      { op: 'native', fn: 'scmQueryStatus', args: ['RpcSs', `\\\\${nowhere}`] },
      { op: 'native', fn: 'scmGetEnvironment', args: ['RpcSs', `\\\\${own}`] },
      { op: 'native', fn: 'scmGetEnvironment', args: ['RpcSs', `\\\\${nowhere}`] },
    ]);
    expect(ownScm).toMatchObject({ ok: true, value: { state: 4 } });
    expect(ownRegistry).toMatchObject({ ok: true });
    // Wine: the machine name never reaches the RPC; Windows: the name does not resolve.
    if (underWine) expect(nowhereScm).toMatchObject({ ok: true, value: { state: 4 } });
    else expect(nowhereScm).toMatchObject({ ok: false, error: { errno: expect.any(Number), syscall: 'OpenSCManagerW' } });
    expect(nowhereRegistry).toMatchObject({ ok: false, error: { code: 'ERROR_BAD_NETPATH', errno: 53, syscall: 'RegConnectRegistryW' } });
  });

  test('a host that cannot be reached is ERR_SERVICEHOST_HOST_UNREACHABLE, with the Win32 error; logs over --host is refused with why', async () => {
    const [removeLogs, listed] = await manage([
      { op: 'uninstall', name: 'RpcSs', options: { host: nowhere, removeLogs: true } },
      { op: 'list', filter: { host: nowhere, servicehostOnly: true } },
    ]);
    expect(removeLogs).toMatchObject({ ok: false, error: { code: 'ERR_SERVICEHOST_REMOTE_UNSUPPORTED', message: expect.stringMatching(/captured files are on that machine/u) } });
    expect(listed).toMatchObject({ ok: false, error: { code: 'ERR_SERVICEHOST_HOST_UNREACHABLE', systemCode: underWine ? 'ERROR_BAD_NETPATH' : expect.any(String), errno: expect.any(Number) } });
    const status = await servicehostCommand(['status', 'RpcSs', '--host', `\\\\${nowhere}`, '--timeout', '60000', '--json']);
    expect(status.code, status.stderr).toBe(11);
    expect(JSON.parse(status.stdout)).toEqual([{ host: `\\\\${nowhere}`, error: expect.objectContaining({ code: 'ERR_SERVICEHOST_HOST_UNREACHABLE' }) }]);
    const logs = await servicehostCommand(['logs', 'RpcSs', '--host', own, '--json']);
    expect(logs.code).toBe(2);
    expect(JSON.parse(logs.stdout).error).toMatchObject({ code: 'ERR_SERVICEHOST_REMOTE_UNSUPPORTED', message: expect.stringMatching(/captured files are on that machine's disk/u) });
  });

  test('the verb set over --host: install (skipped local checks said as warnings), start, status, stop, uninstall', async () => {
    const name = uniqueServiceName('remote');
    const log = toWindowsPath(path.join(scratchDir('remote-host'), 'argv.log'));
    const host = ['--host', `\\\\${own}`];
    try {
      const installed = await servicehostCommand(['install', '--name', name, ...host, '--no-start', '--start-type', 'manual', '--json', '--', toWindowsPath(path.join(fixturesDir, 'argv-service.js')), log]);
      expect(installed.code, installed.stderr + installed.stdout).toBe(0);
      const result = JSON.parse(installed.stdout);
      expect(result.warnings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/paths in the command line are not checked here/u),
          expect.stringMatching(/least-privilege check .* was skipped/u),
          expect.stringMatching(/Event Log source .* is not registered on/u),
        ]),
      );
      const started = await servicehostCommand(['start', name, ...host]);
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toMatch(new RegExp(`${name}: running`, 'u'));
      const status = await servicehostCommand(['status', name, ...host, '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toEqual([expect.objectContaining({ host: `\\\\${own}`, name, state: 'running', platform: 'windows' })]);
      const stopped = await servicehostCommand(['stop', name, ...host]);
      expect(stopped.code, stopped.stderr).toBe(0);
      const removed = await servicehostCommand(['uninstall', name, ...host]);
      expect(removed.code, removed.stderr).toBe(0);
      const gone = await servicehostCommand(['status', name, ...host, '--json']);
      expect(gone.code).toBe(4);
    } finally {
      await uninstallQuietly(name);
    }
  });

  // Wine binds every SCM call locally whatever the machine name: only Windows takes it through the RPC.
  test.runIf(isNativeWindows)("[windows-latest only: Wine's SCM calls never leave the machine] \\\\localhost through the SCM's RPC: list, start, status, stop; a name that does not resolve refused by OpenSCManagerW itself", async () => {
    const [listed, refused] = await manage([
      { op: 'native', fn: 'scmEnumServices', args: ['\\\\localhost'] },
      { op: 'native', fn: 'scmQueryStatus', args: ['RpcSs', `\\\\${nowhere}`] },
    ]);
    expect(listed).toMatchObject({ ok: true, value: expect.arrayContaining([expect.objectContaining({ name: 'RpcSs' })]) });
    expect(refused).toMatchObject({ ok: false, error: { syscall: 'OpenSCManagerW' } });
    // RPC_S_SERVER_UNAVAILABLE, or the name lookup's own error, by the network's setup.
    expect([53, 67, 1214, 1707, 1722]).toContain(refused!.ok ? 0 : refused!.error.errno);
    const name = uniqueServiceName('remote-rpc');
    const host = ['--host', '\\\\localhost'];
    try {
      const [installed] = await manage([{ op: 'install', spec: { name, script: toWindowsPath(path.join(fixturesDir, 'argv-service.js')), args: [path.join(scratchDir('remote-rpc'), 'argv.log')], start: false } }]);
      expect(installed!.ok).toBe(true);
      expect((await servicehostCommand(['start', name, ...host])).code).toBe(0);
      const status = await servicehostCommand(['status', name, ...host, '--json']);
      expect(JSON.parse(status.stdout)).toEqual([expect.objectContaining({ host: '\\\\localhost', name, state: 'running' })]);
      expect((await servicehostCommand(['stop', name, ...host])).code).toBe(0);
    } finally {
      await uninstallQuietly(name);
    }
  });

  test('list over several hosts: one row per service per host, the unreachable one its own row, exit 11', async () => {
    const name = uniqueServiceName('remote-list');
    try {
      const [installed] = await manage([{ op: 'install', spec: { name, script: toWindowsPath(path.join(fixturesDir, 'argv-service.js')), start: false } }]);
      expect(installed!.ok).toBe(true);
      const listed = await servicehostCommand(['list', name, '--host', own, '--host', `\\\\${own}`, '--host', nowhere, '--all', '--timeout', '60000', '--json']);
      const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
      // Wine's SCM answers for a name that does not resolve, and only the registry refuses it: without
      // servicehostOnly no registry is read, so there the third host answers too. Windows refuses it at the SCM.
      expect(rows.slice(0, 2)).toEqual([
        { host: own, name, displayName: name, state: 'stopped' },
        { host: `\\\\${own}`, name, displayName: name, state: 'stopped' },
      ]);
      if (underWine) {
        expect(listed.code).toBe(0);
        expect(rows[2]).toEqual({ host: nowhere, name, displayName: name, state: 'stopped' });
      } else {
        expect(listed.code).toBe(11);
        expect(rows[2]).toEqual({ host: nowhere, error: expect.objectContaining({ code: 'ERR_SERVICEHOST_HOST_UNREACHABLE' }) });
      }
    } finally {
      await uninstallQuietly(name);
    }
  });
});
