import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ServicehostError } from '../../lib/errors';
import { ServiceManagerError, translateSystemError } from '../../lib/manage/errors';
import { checkServiceName } from '../../lib/manage/service-name';
import { programArguments, resolveSpec } from '../../lib/manage/spec';

describe('checkServiceName', () => {
  test.each([
    ['', 'windows'],
    ['x'.repeat(257), 'windows'],
    ['a/b', 'windows'],
    ['a\\b', 'windows'],
    ['tab\there', 'windows'],
    ['two words', 'systemd'],
    ['ünï', 'launchd'],
    ['.hidden', 'systemd'],
    // systemctl would read it as -H evil.service: an SSH host.
    ['-Hevil', 'systemd'],
    ['-x', 'launchd'],
  ] as const)('%j is refused on %s', (name, platform) => {
    expect(() => checkServiceName(name, platform)).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_INVALID_SERVICE_NAME', service: name }));
  });

  test('Windows takes spaces and non-ASCII; systemd and launchd take unit-safe names', () => {
    expect(checkServiceName('My Service ü', 'windows')).toBe('My Service ü');
    expect(checkServiceName('x'.repeat(256), 'windows')).toHaveLength(256);
    expect(checkServiceName('api-v2.worker_1', 'systemd')).toBe('api-v2.worker_1');
    expect(checkServiceName('com.example.api', 'launchd')).toBe('com.example.api');
  });

  test('a non-string is a type error', () => {
    expect(() => checkServiceName(7, 'windows')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('resolveSpec', () => {
  test.each([
    ['env', { env: { TOKEN: 'a\0b' } }, 'install(spec): spec.env.TOKEN'],
    ['description', { description: 'one\0two' }, 'install(spec): spec.description'],
    ['args', { args: ['ok', 'bad\0'] }, 'install(spec): spec.args[1]'],
    ['account', { windows: { account: { user: '.\\svc', password: 'p\0w' } } }, 'install(spec): spec.windows.account.password'],
  ])('a NUL in %s is refused at the edge, naming the option', (_field, extra, where) => {
    const attempt = () => resolveSpec({ name: 'api', script: '/srv/app.js', ...extra }, 'windows');
    expect(attempt).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining(where) }));
    expect(attempt).toThrow(ServicehostError);
  });

  test('fills every default: absolute script, its folder, this node, the register preload, start', () => {
    const spec = resolveSpec({ name: 'api', script: 'server.js' }, 'systemd');
    expect(spec.script).toBe(path.resolve('server.js'));
    expect(spec.workingDirectory).toBe(path.dirname(path.resolve('server.js')));
    expect(spec.node).toBe(process.execPath);
    expect(spec.displayName).toBe('api');
    expect(spec.stopTimeoutMs).toBe(30_000);
    expect(spec.start).toBe(true);
    expect(spec.registerModule).toMatch(/register\.js$/u);
    expect(programArguments(spec)).toEqual(['--require', spec.registerModule, spec.script]);
  });

  test('register: false leaves the preload out; node args come first', () => {
    const spec = resolveSpec({ name: 'api', script: '/srv/a.js', args: ['x'], nodeArgs: ['--max-old-space-size=512'], register: false }, 'systemd');
    expect(programArguments(spec)).toEqual(['--max-old-space-size=512', '/srv/a.js', 'x']);
  });

  test.each([
    [{ name: 'api' }, 'ERR_INVALID_ARG_TYPE', 'spec.script'],
    [{ name: 'api', script: '' }, 'ERR_INVALID_ARG_VALUE', 'spec.script'],
    [{ name: 'api', script: 'a.js', args: 'x' }, 'ERR_INVALID_ARG_TYPE', 'spec.args'],
    [{ name: 'api', script: 'a.js', args: [1] }, 'ERR_INVALID_ARG_TYPE', 'spec.args[0]'],
    [{ name: 'api', script: 'a.js', env: { 'A=B': 'x' } }, 'ERR_INVALID_ARG_VALUE', 'spec.env'],
    [{ name: 'api', script: 'a.js', env: { A: 1 } }, 'ERR_INVALID_ARG_TYPE', 'spec.env.A'],
    [{ name: 'api', script: 'a.js', stopTimeoutMs: 0 }, 'ERR_OUT_OF_RANGE', 'spec.stopTimeoutMs'],
    [{ name: 'api', script: 'a.js', windows: { startType: 'sometimes' } }, 'ERR_INVALID_ARG_VALUE', 'spec.windows.startType'],
    [{ name: 'api', script: 'a.js', windows: { account: 'Guest' } }, 'ERR_INVALID_ARG_VALUE', 'spec.windows.account'],
    [{ name: 'api', script: 'a.js', windows: { account: { user: '' } } }, 'ERR_INVALID_ARG_VALUE', 'spec.windows.account.user'],
    [{ name: 'api', script: 'a.js', windows: { recovery: { actions: [{ type: 'explode', delayMs: 1 }] } } }, 'ERR_INVALID_ARG_VALUE', 'actions[0].type'],
    [{ name: 'api', script: 'a.js', windows: { recovery: { actions: [{ type: 'restart', delayMs: -1 }] } } }, 'ERR_OUT_OF_RANGE', 'actions[0].delayMs'],
    [{ name: 'api', script: 'a.js', windows: { sidType: 'open' } }, 'ERR_INVALID_ARG_VALUE', 'spec.windows.sidType'],
    [{ name: 'api', script: 'a.js', systemd: { restart: 'sometimes' } }, 'ERR_INVALID_ARG_VALUE', 'spec.systemd.restart'],
    [{ name: 'api', script: 'a.js', systemd: { watchdogSec: 0 } }, 'ERR_OUT_OF_RANGE', 'spec.systemd.watchdogSec'],
    [{ name: 'api', script: 'a.js', launchd: { keepAlive: 'yes' } }, 'ERR_INVALID_ARG_TYPE', 'spec.launchd.keepAlive'],
  ])('%j → %s naming %s', (spec, code, where) => {
    expect(() => resolveSpec(spec, 'windows')).toThrow(expect.objectContaining({ code, message: expect.stringContaining(where) }));
  });

  test('not an object at all', () => {
    expect(() => resolveSpec(null, 'windows')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('translateSystemError', () => {
  const system = (code: string, errno: number) => Object.assign(new Error(`${code} text`), { code, errno, syscall: 'CreateServiceW' });

  test.each([
    ['ERROR_ACCESS_DENIED', 5, 'ERR_SERVICEHOST_ACCESS_DENIED'],
    ['EACCES', -13, 'ERR_SERVICEHOST_ACCESS_DENIED'],
    ['ERROR_SERVICE_EXISTS', 1073, 'ERR_SERVICEHOST_SERVICE_EXISTS'],
    ['ERROR_DUPLICATE_SERVICE_NAME', 1078, 'ERR_SERVICEHOST_SERVICE_EXISTS'],
    ['ERROR_SERVICE_DOES_NOT_EXIST', 1060, 'ERR_SERVICEHOST_SERVICE_NOT_FOUND'],
    ['ERROR_SERVICE_MARKED_FOR_DELETE', 1072, 'ERR_SERVICEHOST_MARKED_FOR_DELETE'],
    ['ERROR_INVALID_NAME', 123, 'ERR_SERVICEHOST_INVALID_SERVICE_NAME'],
    ['ERROR_INVALID_SERVICE_ACCOUNT', 1057, 'ERR_SERVICEHOST_INVALID_ACCOUNT'],
    ['ERROR_SERVICE_LOGON_FAILED', 1069, 'ERR_SERVICEHOST_INVALID_ACCOUNT'],
  ])('%s → %s, keeping the system code, errno and syscall', (code, errno, expected) => {
    const translated = translateSystemError(system(code, errno), 'api', 'install');
    expect(translated).toBeInstanceOf(ServiceManagerError);
    expect(translated).toMatchObject({ code: expected, service: 'api', systemCode: code, errno, syscall: 'CreateServiceW' });
  });

  test('access denied says how to get the right', () => {
    expect((translateSystemError(system('ERROR_ACCESS_DENIED', 5), 'api', 'install') as Error).message).toMatch(/elevated|sudo|root/u);
  });

  test('an error without a manager meaning stays as it is', () => {
    const level = system('ERROR_INVALID_LEVEL', 124);
    expect(translateSystemError(level, 'api', 'install')).toBe(level);
    const plain = new Error('plain');
    expect(translateSystemError(plain, 'api', 'install')).toBe(plain);
  });
});
