// The pure parts of `elevate`: the elevated command line, the argv it runs,
// the result and error that come back, and the refusal off Windows.
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../lib/cli/args';
import { main } from '../../lib/cli/main';
import { install, start, stop, uninstall } from '../../lib/manage/index';
import { VERBS } from '../../lib/cli/verbs';
import { ServicehostError } from '../../lib/errors';
import { ServiceManagerError } from '../../lib/manage/errors';
import { ERROR_CANCELLED, checkElevationPlatform, elevationError, noResultHint } from '../../lib/manage/elevate';
import { argvOf } from '../../lib/manage/elevate-cli';
import {
  deserializeError,
  elevatedArguments,
  elevatedFolderOf,
  parseElevationRequest,
  parseElevationResult,
  privateFolderProblem,
  serializeError,
  windowsParameters,
} from '../../lib/manage/elevate-protocol';
import { parseWindowsCommandLine, windowsCommandLine } from '../../lib/windows/command-line';

const parse = (argv: string[]) => parseCommandLine(argv, (verb) => VERBS[verb]?.options);

describe('the command line run elevated', () => {
  test('parses back to the same command, less --elevate and --password-stdin', () => {
    const original = parse([
      'install', '--elevate', '--name', 'api', '--env', 'A=1', '--env=B=-2', '--no-start', '--stop-timeout', '500',
      '--account', '.\\svc', '--password-stdin', '--description', '--looks-like-an-option', '--json',
      '--', 'C:\\Program Files\\app\\server.js', '--port', '8080', 'two words',
    ]);
    const again = parse(argvOf(original, ['elevate', 'password-stdin', 'help']));
    const { elevate, 'password-stdin': stdin, ...rest } = original.options;
    expect([elevate, stdin]).toEqual([true, true]);
    expect(again).toEqual({ ...original, options: rest });
  });

  test('a command with no program arguments gets no --', () => {
    expect(argvOf(parse(['stop', 'api', '--elevate', '--timeout', '9000']), ['elevate'])).toEqual(['stop', 'api', '--timeout=9000']);
  });

  test('the install, configure, uninstall, start and stop verbs take --elevate; status, list and restart do not', () => {
    for (const verb of ['install', 'configure', 'uninstall', 'start', 'stop']) expect(VERBS[verb]!.options.elevate?.kind, verb).toBe('boolean');
    for (const verb of ['status', 'list', 'restart', 'run']) expect(VERBS[verb]!.options.elevate, verb).toBeUndefined();
  });
});

describe('the elevated program', () => {
  const cli = 'C:\\Program Files\\My App\\resources\\app.asar.unpacked\\node_modules\\servicehost\\dist\\cli.js';
  const folder = 'C:\\Users\\Ann "A" Lee\\AppData\\Local\\Temp\\servicehost-elevate-0123';

  test('runs the CLI script by its absolute path with the marker; CommandLineToArgvW splits it back exactly', () => {
    const args = elevatedArguments(cli, folder);
    expect(args).toEqual([cli, 'elevated', `--servicehost-elevated=${folder}`]);
    const program = 'C:\\Program Files\\My App\\MyApp.exe';
    expect(parseWindowsCommandLine(`"${program}" ${windowsParameters(args)}`)).toEqual([program, ...args]);
    expect(`"${program}" ${windowsParameters(args)}`).toBe(windowsCommandLine(program, args));
    expect(elevatedFolderOf(['MyApp.exe', ...args])).toBe(folder);
    expect(elevatedFolderOf(['MyApp.exe', cli])).toBeUndefined();
  });

  test('relative paths are refused', () => {
    expect(() => elevatedArguments('dist/cli.js', folder)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});

describe('the private folder, as read back', () => {
  const user = 'S-1-5-21-1004336348-1177238915-682003330-1001';
  test('the caller, Administrators and SYSTEM pass, as Windows stores them and as Wine reads them back', () => {
    expect(privateFolderProblem(`O:${user}D:P(A;OICI;FA;;;${user})(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)`)).toBeUndefined();
    expect(privateFolderProblem(`O:BAD:P(A;OICI;FA;;;${user})(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)`)).toBeUndefined();
    expect(privateFolderProblem('O:S-1-5-21-0-0-0-1000D:(A;OICI;FA;;;SY)(A;OICI;FA;;;S-1-5-21-0-0-0-1000)')).toBeUndefined();
  });

  test('no DACL, a broad group or a second account is refused', () => {
    expect(privateFolderProblem(`O:${user}D:NO_ACCESS_CONTROL`)).toMatch(/no access list/u);
    expect(privateFolderProblem(`O:${user}`)).toMatch(/no access list/u);
    expect(privateFolderProblem(`O:${user}D:(A;OICI;FA;;;${user})(A;OICI;0x1200a9;;;BU)`)).toMatch(/lets BU in/u);
    expect(privateFolderProblem(`O:${user}D:(A;OICI;FA;;;${user})(A;;FA;;;WD)`)).toMatch(/lets WD in/u);
    expect(privateFolderProblem(`O:${user}D:(A;OICI;FA;;;${user})(A;OICI;FA;;;S-1-5-21-1-2-3-1002)`)).toMatch(/more than one account/u);
  });
});

describe('what comes back', () => {
  test('a typed manager error keeps its class, code, message, service, systemCode, errno and syscall', () => {
    const cause = Object.assign(new ServicehostError('ERROR_SERVICE_DOES_NOT_EXIST', 'The specified service does not exist'), { errno: 1060, syscall: 'OpenServiceW' });
    const original = new ServiceManagerError('ERR_SERVICEHOST_SERVICE_NOT_FOUND', 'api', 'Cannot start "api": no such service is installed', cause);
    const crossed = deserializeError(JSON.parse(JSON.stringify(serializeError(original))));
    expect(crossed).toBeInstanceOf(ServiceManagerError);
    expect(crossed).toBeInstanceOf(ServicehostError);
    expect({ ...crossed, message: crossed.message, name: crossed.name }).toEqual({ ...original, message: original.message, name: original.name, cause: undefined });
  });

  test('a system error keeps the system code', () => {
    const crossed = deserializeError(serializeError(Object.assign(new ServicehostError('ERROR_ACCESS_DENIED', 'Access is denied'), { errno: 5, syscall: 'OpenSCManagerW' })));
    expect(crossed).toMatchObject({ name: 'ServicehostError', code: 'ERROR_ACCESS_DENIED', errno: 5, syscall: 'OpenSCManagerW' });
  });

  test('results: a command line gives exit code and output, a call a value or an error; anything else is a typed failure', () => {
    expect(parseElevationResult('{"kind":"cli","exitCode":4,"stdout":"{}\\n","stderr":""}', 'cli')).toEqual({ kind: 'cli', exitCode: 4, stdout: '{}\n', stderr: '' });
    expect(parseElevationResult('{"kind":"call","ok":true,"value":null}', 'call')).toEqual({ kind: 'call', ok: true, value: null });
    for (const [text, kind] of [['', 'cli'], ['{"kind":"call","ok":true}', 'cli'], ['{"kind":"cli","exitCode":"0","stdout":"","stderr":""}', 'cli'], ['{"kind":"call","ok":false,"error":{}}', 'call']] as const) {
      expect(() => parseElevationResult(text, kind), text).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_COMMAND_FAILED' }));
    }
  });

  test('requests: a command line or one of the five calls', () => {
    expect(parseElevationRequest('{"kind":"call","cwd":"C:\\\\","call":"stop","args":["api"]}')).toMatchObject({ call: 'stop' });
    expect(() => parseElevationRequest('{"kind":"call","cwd":"C:\\\\","call":"query","args":["api"]}')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => parseElevationRequest('{"kind":"cli","cwd":"C:\\\\","argv":[1]}')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});

describe('refusals', () => {
  test('a declined prompt (ERROR_CANCELLED from ShellExecuteExW) is ERR_SERVICEHOST_ELEVATION_CANCELLED; other failures stay as they are', () => {
    const declined = Object.assign(new ServicehostError('WIN32_ERROR_1223', 'The operation was canceled by the user'), { errno: ERROR_CANCELLED, syscall: 'ShellExecuteExW' });
    expect(elevationError(declined)).toMatchObject({ code: 'ERR_SERVICEHOST_ELEVATION_CANCELLED', cause: declined });
    const missing = Object.assign(new ServicehostError('ERROR_FILE_NOT_FOUND', 'not found'), { errno: 2, syscall: 'ShellExecuteExW' });
    expect(elevationError(missing)).toBe(missing);
  });

  test.skipIf(process.platform === 'win32')('here (not Windows) the API and the command refuse elevate before touching anything; a non-boolean elevate is a type error', async () => {
    const refused = { code: 'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', message: expect.stringMatching(/sudo/u) };
    await expect(install({ name: 'api', script: '/nonexistent/server.js' }, { elevate: true })).rejects.toMatchObject(refused);
    await expect(start('api', { elevate: true })).rejects.toMatchObject(refused);
    await expect(stop('api', { elevate: true })).rejects.toMatchObject(refused);
    await expect(uninstall('api', { elevate: true })).rejects.toMatchObject(refused);
    await expect(start('api', { elevate: 'yes' } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    const lines: string[] = [];
    const code = await main(['stop', 'api', '--elevate', '--json'], { json: false, out: (text) => lines.push(text), err: (text) => lines.push(text) });
    expect(code).toBe(1);
    expect(JSON.parse(lines.join('\n')).error).toMatchObject(refused);
  });

  test('an elevated process that wrote no result: in Electron, the message names the hook the app\'s main process lacks', () => {
    expect(noResultHint({ ...process.versions, electron: '33.0.0' } as NodeJS.ProcessVersions)).toMatch(/handleElevatedRequest\(\)/u);
    expect(noResultHint({ node: '20.0.0' } as NodeJS.ProcessVersions)).toMatch(/could not run .*cli\.js/u);
  });

  test('elsewhere than Windows, elevate is refused and the message says sudo or pkexec', () => {
    expect(() => checkElevationPlatform('win32')).not.toThrow();
    for (const platform of ['linux', 'darwin'] as const) {
      expect(() => checkElevationPlatform(platform)).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', message: expect.stringMatching(/sudo.*pkexec/u) }));
    }
  });
});
