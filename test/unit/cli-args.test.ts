import { describe, expect, test } from 'vitest';
import { parseCommandLine, type OptionSpec } from '../../lib/cli/args';
import { installSpecOf } from '../../lib/cli/main';
import { takePasswordFromEnvironment } from '../../lib/cli/password';

const specs: Record<string, Record<string, OptionSpec>> = {
  install: {
    name: { kind: 'string', description: '' },
    env: { kind: 'list', description: '' },
    start: { kind: 'boolean', description: '' },
    'stop-timeout': { kind: 'integer', description: '' },
  },
};
const parse = (argv: string[]) => parseCommandLine(argv, (verb) => specs[verb]);

describe('parseCommandLine', () => {
  test('options before --, the program and its own options after it', () => {
    expect(parse(['install', '--name', 'api', '--env=A=1', '--env', 'B=2', '--no-start', '--stop-timeout', '500', '--', 'server.js', '--name', 'x'])).toEqual({
      verb: 'install',
      positional: [],
      options: { name: 'api', env: ['A=1', 'B=2'], start: false, 'stop-timeout': 500 },
      rest: ['server.js', '--name', 'x'],
    });
  });

  test('no verb, or --help, asks for help', () => {
    expect(parse([]).verb).toBe('help');
    expect(parse(['--help']).verb).toBe('help');
    expect(parse(['install', '-h']).options.help).toBe(true);
  });

  test.each([
    [['nope'], /Unknown command/u],
    [['install', '--frob'], /Unknown option --frob/u],
    [['install', '--name'], /--name needs a value/u],
    [['install', '--start=yes'], /takes no value/u],
    [['install', '--no-name'], /only on\/off options can be negated/u],
    [['install', '--stop-timeout', '1.5'], /whole number/u],
  ])('%j → a usage error', (argv, message) => {
    expect(() => parse(argv)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(message) }));
  });
});

describe('installSpecOf', () => {
  test('maps every option onto the install spec, and leaves out what was not given', () => {
    const spec = installSpecOf({
      verb: 'install',
      positional: [],
      options: { name: 'api', env: ['A=1=2'], 'start-type': 'manual', account: 'LocalService', dependency: ['RpcSs'], recovery: false, 'run-as': 'www:web', 'watchdog-sec': 10, hardening: true, start: false },
      rest: ['server.js', '--port', '8080'],
    });
    expect(spec).toEqual({
      name: 'api',
      script: 'server.js',
      args: ['--port', '8080'],
      env: { A: '1=2' },
      start: false,
      windows: { startType: 'manual', account: 'LocalService', dependencies: ['RpcSs'], recovery: false },
      systemd: { runAs: { user: 'www', group: 'web' }, watchdogSec: 10, hardening: true },
      launchd: {},
      commands: {},
    });
  });

  test('a user account takes the password it is handed, never one from the command line', () => {
    const spec = installSpecOf({ verb: 'install', positional: [], options: { name: 'api', account: '.\\svc' }, rest: ['a.js'] }, 'secret');
    expect(spec.windows?.account).toEqual({ user: '.\\svc', password: 'secret' });
    const builtIn = installSpecOf({ verb: 'install', positional: [], options: { name: 'api', account: 'LocalService' }, rest: ['a.js'] }, 'ignored');
    expect(builtIn.windows?.account).toBe('LocalService');
  });

  test('the password variable is taken out of the environment once read', () => {
    const env: NodeJS.ProcessEnv = { SERVICEHOST_ACCOUNT_PASSWORD: 'secret', OTHER: 'x' };
    expect(takePasswordFromEnvironment(env)).toBe('secret');
    expect(env).toEqual({ OTHER: 'x' });
  });
});
