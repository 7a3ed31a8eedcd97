// `--listen` (systemd.listen): the socket units, how the service unit names
// them, and every address or name refused before anything is written.
import { describe, expect, test } from 'vitest';
import { installSpecOf } from '../../lib/cli/install-spec';
import { parseCommandLine } from '../../lib/cli/args';
import { VERBS } from '../../lib/cli/verbs';
import { resolveSpec } from '../../lib/manage/spec';
import { triggeringSockets } from '../../lib/manage/systemd/socket-names';
import { renderSocketUnits } from '../../lib/manage/systemd/socket-unit';
import { renderSystemdUnit } from '../../lib/manage/systemd/unit';
import { pinnedSpec } from '../helpers/specs';

const context = { version: '0.0.0-test' };
const base = { name: 'web', script: '/srv/web/server.js' };

describe('socket units', () => {
  test('one socket unit per address, each with its FileDescriptorName=; the service Requires=, After= and inherits them', () => {
    const spec = pinnedSpec({ ...base, description: '100% web', systemd: { listen: ['8080', 'admin=127.0.0.1:9090', '[::1]:9091', '/run/web/api.sock'] } });
    const sockets = renderSocketUnits(spec, '/etc/systemd/system', context);
    expect(sockets.map((socket) => socket.unit)).toEqual(['web.socket', 'web-2.socket', 'web-3.socket', 'web-4.socket']);
    expect(sockets[0]!.path).toBe('/etc/systemd/system/web.socket');
    expect(sockets[0]!.text).toContain('\n[Socket]\nListenStream=8080\nFileDescriptorName=8080\nService=web.service\n');
    expect(sockets[0]!.text).toContain('Description=100%% web (listening on 8080)');
    expect(sockets[0]!.text).toContain('[Install]\nWantedBy=sockets.target');
    expect(sockets[1]!.text).toContain('ListenStream=127.0.0.1:9090\nFileDescriptorName=admin\n');
    expect(sockets[2]!.text).toContain('ListenStream=[::1]:9091\nFileDescriptorName=9091\n');
    expect(sockets[3]!.text).toContain('ListenStream=/run/web/api.sock\nFileDescriptorName=/run/web/api.sock\nService=web.service\nRemoveOnStop=yes\n');
    const unit = renderSystemdUnit(spec, context);
    const names = 'web.socket web-2.socket web-3.socket web-4.socket';
    expect(unit).toContain(`[Unit]\nDescription=100%% web\nRequires=${names}\nAfter=network.target ${names}\n`);
    expect(unit).toContain(`\nSockets=${names}\n`);
    expect(unit).toMatch(new RegExp(`\\[Install\\]\\nWantedBy=multi-user.target\\nAlso=${names}\\n$`, 'u'));
  });

  test('--on-demand: the service is wanted by nothing, so only its sockets start at boot', () => {
    const unit = renderSystemdUnit(pinnedSpec({ ...base, systemd: { listen: [8080], onDemand: true } }), context);
    expect(unit).toMatch(/\[Install\]\nAlso=web.socket\n$/u);
    expect(unit).not.toContain('WantedBy=');
  });

  test('without --listen nothing changes: no socket unit, no Sockets=, no Also=', () => {
    const spec = pinnedSpec(base);
    expect(renderSocketUnits(spec, '/etc/systemd/system', context)).toEqual([]);
    expect(renderSystemdUnit(spec, context)).not.toMatch(/Sockets=|Also=|Requires=/u);
  });

  test('a socket path is closed to other users by default: SocketMode=0660, owned by the runAs account', () => {
    const [tcp, unix] = renderSocketUnits(pinnedSpec({ ...base, systemd: { listen: ['8080', '/run/web/api.sock'], runAs: { user: 'web' } } }), '/x', context);
    expect(unix!.text).toContain('\nRemoveOnStop=yes\nSocketMode=0660\nSocketUser=web\n\n[Install]');
    // A port has no file mode: nothing of it on a TCP socket.
    expect(tcp!.text).not.toMatch(/Socket(Mode|User|Group)=/u);
    // runAs.group, else --listen-group, gates who connects; root owns it when the service runs as root.
    const grouped = renderSocketUnits(pinnedSpec({ ...base, systemd: { listen: ['/run/web/api.sock'], runAs: { user: 'web', group: 'webapps' } } }), '/x', context);
    expect(grouped[0]!.text).toContain('\nSocketMode=0660\nSocketUser=web\nSocketGroup=webapps\n');
    const asRoot = renderSocketUnits(pinnedSpec({ ...base, systemd: { listen: ['/run/web/api.sock'], listenGroup: 'www-data' } }), '/x', context);
    expect(asRoot[0]!.text).toContain('\nSocketMode=0660\nSocketGroup=www-data\n\n');
  });

  test('--listen-mode opens it deliberately; a user unit and a dynamic user name no owner (neither can be given the file)', () => {
    const open = renderSocketUnits(pinnedSpec({ ...base, systemd: { listen: ['/run/web/api.sock'], runAs: { user: 'web', group: 'web' }, listenMode: '0666', listenGroup: 'www-data' } }), '/x', context);
    expect(open[0]!.text).toContain('\nSocketMode=0666\nSocketUser=web\nSocketGroup=www-data\n');
    for (const systemd of [{ user: true }, { dynamicUser: true }]) {
      const [socket] = renderSocketUnits(pinnedSpec({ ...base, systemd: { ...systemd, listen: ['/run/web/api.sock'], runAs: { user: 'web', group: 'web' } } }), '/x', context);
      expect(socket!.text).toContain('\nSocketMode=0660\n\n[Install]');
    }
  });

  test('a % in a socket path is written as %% (a specifier otherwise), and the path must be named to be a FileDescriptorName=', () => {
    const [socket] = renderSocketUnits(pinnedSpec({ ...base, systemd: { listen: ['api=/run/100%/api.sock'] } }), '/x', context);
    expect(socket!.text).toContain('ListenStream=/run/100%%/api.sock\nFileDescriptorName=api\n');
    expect(() => pinnedSpec({ ...base, systemd: { listen: ['/run/100%/api.sock'] } })).toThrow(/cannot be the socket's FileDescriptorName=.*name=\/path/u);
  });
});

describe('refused, in the caller\'s words, before anything is written', () => {
  const refused: Array<[unknown, RegExp]> = [
    ['0', /outside 1 to 65535/u],
    ['70000', /outside 1 to 65535/u],
    [0, /not a port from 1 to 65535/u],
    [8080.5, /not a port from 1 to 65535/u],
    ['localhost:8080', /names the host "localhost": give an IP address .* 127\.0\.0\.1:8080/u],
    ['127.0.0.1:http', /port that is not a number/u],
    ['[::1]', /is not \[IPv6 address\]:port/u],
    ['::1', /IPv6 address without a port: write \[address\]:port/u],
    ['[fe80::1%eth0]:80', /no IPv6 address between the brackets/u],
    ['app.sock', /relative path: a socket path must be absolute/u],
    ['run/app.sock', /relative path/u],
    ['/run/app\n.sock', /line break/u],
    ['/run/app.sock ', /begins or ends with a space/u],
    [`/${'a'.repeat(120)}.sock`, /bytes long; a socket path holds at most 107/u],
    ['/run/', /ends with a slash/u],
    ['', /is empty/u],
    ['80=8080', /made only of digits/u],
    ['we b=8080', /not a port, host:port or absolute socket path|socket name/u],
    [null, /must be a port number or a string/u],
  ];
  test.each(refused)('%j', (value, message) => {
    let error: { code?: string; message?: string } | undefined;
    try {
      resolveSpec({ ...base, systemd: { listen: [value] } }, 'systemd');
    } catch (caught) {
      error = caught as typeof error;
    }
    expect(error?.code).toMatch(/^ERR_INVALID_ARG_(VALUE|TYPE)$/u);
    expect(error?.message).toMatch(/spec\.systemd\.listen\[0\]/u);
    expect(error?.message).toMatch(message);
  });

  test('an address or a name given twice', () => {
    expect(() => resolveSpec({ ...base, systemd: { listen: ['8080', 8080] } }, 'systemd')).toThrow(/8080 is given twice/u);
    expect(() => resolveSpec({ ...base, systemd: { listen: ['web=8080', 'web=8081'] } }, 'systemd')).toThrow(/socket name "web" is given twice/u);
  });

  test.each([
    [{ listen: ['/run/web.sock'], listenMode: '666' }, null],
    [{ listen: ['/run/web.sock'], listenMode: '0777' }, null],
    [{ listen: ['/run/web.sock'], listenMode: 0o666 }, /listenMode must be a string of octal digits, such as '0660'; got number/u],
    [{ listen: ['/run/web.sock'], listenMode: '0866' }, /listenMode: "0866" is not a file mode: give three octal digits/u],
    [{ listen: ['/run/web.sock'], listenMode: '4666' }, /not a file mode/u],
    [{ listen: ['/run/web.sock'], listenMode: 'u=rw' }, /not a file mode/u],
    [{ listen: ['/run/web.sock'], listenGroup: 5 }, /listenGroup must be a string: a group name; got number/u],
    [{ listen: ['8080'], listenMode: '0666' }, /listenMode says who may connect to a socket file, and systemd\.listen \(--listen\) names none/u],
    [{ listenGroup: 'www-data' }, /listenGroup says who may connect to a socket file/u],
  ])('socket file access %j', (systemd, message) => {
    const resolve = () => resolveSpec({ ...base, systemd }, 'systemd');
    if (message === null) expect(resolve).not.toThrow();
    else expect(resolve).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_INVALID_ARG_(VALUE|TYPE)$/u), message: expect.stringMatching(message) }));
  });

  test('a group systemd cannot take is refused when the unit is written, before any file', () => {
    expect(() => renderSocketUnits(pinnedSpec({ ...base, systemd: { listen: ['/run/web.sock'], listenGroup: 'www data' } }), '/x', context)).toThrow(/SocketGroup=: "www data" is not a valid user or group name/u);
  });

  test('--on-demand without --listen has nothing to start on', () => {
    expect(() => resolveSpec({ ...base, systemd: { onDemand: true } }, 'systemd')).toThrow(/onDemand needs a socket to start on/u);
  });

  test.each(['launchd', 'windows'] as const)('on %s: refused as unsupported, saying what to do instead', (platform) => {
    expect(() => resolveSpec({ ...base, systemd: { listen: ['8080'] } }, platform)).toThrow(
      expect.objectContaining({ code: 'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM', message: expect.stringMatching(/need systemd.*service\.listen\(server, port\) binds the port itself here/u) }),
    );
    expect(() => resolveSpec({ ...base, systemd: { listenGroup: 'www-data' } }, platform)).toThrow(expect.objectContaining({ code: 'ERR_SERVICEHOST_UNSUPPORTED_PLATFORM' }));
    expect(() => resolveSpec(base, platform)).not.toThrow();
  });
});

describe('servicehost install --listen', () => {
  test('repeated --listen and --on-demand reach systemd.listen and systemd.onDemand', () => {
    const command = parseCommandLine(['install', '--name', 'web', '--listen', '8080', '--listen=admin=127.0.0.1:9090', '--on-demand', '--', 'server.js'], (verb) => VERBS[verb]?.options);
    expect(installSpecOf(command).systemd).toMatchObject({ listen: ['8080', 'admin=127.0.0.1:9090'], onDemand: true });
  });

  test('--listen-mode and --listen-group reach systemd.listenMode and systemd.listenGroup', () => {
    const command = parseCommandLine(['install', '--name', 'web', '--listen', '/run/web.sock', '--listen-mode', '0666', '--listen-group=www-data', '--', 'server.js'], (verb) => VERBS[verb]?.options);
    expect(installSpecOf(command).systemd).toMatchObject({ listenMode: '0666', listenGroup: 'www-data' });
  });

  test("TriggeredBy= (in systemd's own order) gives the sockets in the order install wrote them, others after by name", () => {
    expect(triggeringSockets('web-3.socket other.socket web.service web-10.socket web.socket web-2.socket', 'web')).toEqual(['web.socket', 'web-2.socket', 'web-3.socket', 'other.socket', 'web-10.socket']);
    expect(triggeringSockets('web-2.socket web.socket', 'web')).toEqual(['web.socket', 'web-2.socket']);
    expect(triggeringSockets('api-2-2.socket api-2.socket', 'api-2')).toEqual(['api-2.socket', 'api-2-2.socket']);
    expect(triggeringSockets(undefined, 'web')).toEqual([]);
  });
});
