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

describe('what Node reads from the command line itself (node-reads.ts)', () => {
  const withNodeArg = (argv: string[]) => parseCommandLine(argv, (verb) => (verb === 'install' ? { ...specs.install, 'node-arg': { kind: 'list', description: '' } } : undefined));
  test.each([
    [['install', '--env-file', 'app.env', '--', 'a.js'], '--env-file'],
    [['install', '--env-file=app.env'], '--env-file'],
    [['install', '--env-file-if-exists', 'app.env'], '--env-file-if-exists'],
    [['install', '--name', 'api', '--env-file-if-exists=app.env'], '--env-file-if-exists'],
    // A value of another option is read by Node all the same.
    [['install', '--node-arg', '--env-file=app.env', '--', 'a.js'], '--env-file'],
    [['--env-file', 'app.env', 'install'], '--env-file'],
    // An option's value `--` ends Node's scan but not this parser's: refused as well.
    [['install', '--name', '--', '--env-file', 'app.env'], '--env-file'],
  ])('%j: refused (exit 2), naming --environment-file and what Node may have done', (argv, option) => {
    expect(() => withNodeArg(argv)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(new RegExp(`^${option} is not a servicehost option; the service's env file is --environment-file <path>\\. .*may already have loaded that file`, 'u')) }),
    );
  });

  test.each([
    [['install', '--experimental-config-file', 'node.json']],
    [['install', '--name', 'api', '--', 'a.js', '--experimental-config-file=node.json']],
    [['install', '--name', 'api', '--', 'a.js', '--experimental-default-config-file']],
  ])('%j: refused, after -- too (Node 22 and 24 read it there)', (argv) => {
    expect(() => withNodeArg(argv)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/cannot be given to servicehost, not even after --: Node 22 and 24 read/u) }));
  });

  test('one word (--node-arg=--env-file=...), a near name, or the program\'s own arguments after --: taken', () => {
    expect(withNodeArg(['install', '--node-arg=--env-file=app.env', '--', 'a.js', '--env-file', 'x']).options['node-arg']).toEqual(['--env-file=app.env']);
    expect(withNodeArg(['install', '--', 'a.js', '--env-file-if-exists=x']).rest).toEqual(['a.js', '--env-file-if-exists=x']);
    expect(() => withNodeArg(['install', '--env-files', 'x'])).toThrow(/Unknown option --env-files/u);
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
