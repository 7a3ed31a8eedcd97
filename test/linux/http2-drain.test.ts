// HTTP/2 drain: open streams on a live session finish after GOAWAY; the
// process exits once the session is done.
import { spawn } from 'node:child_process';
import http2 from 'node:http2';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixturesDir } from './harness/child';
import { LineCollector } from './harness/lines';

describe.runIf(process.platform !== 'win32')('HTTP/2 drain', () => {
  test('streams in flight complete, the client gets GOAWAY, and the server exits 0', async () => {
    const server = spawn(process.execPath, [path.join(fixturesDir, 'h2-service.js')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NOTIFY_SOCKET: '' } });
    const lines = new LineCollector<string>(server.stdout, (line) => line);
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      const port = Number((await lines.waitFor((line) => line.startsWith('listening '))).split(' ')[1]);
      const session = http2.connect(`http://127.0.0.1:${port}`);
      let goaway = false;
      session.on('goaway', () => (goaway = true));
      const bodies = Array.from({ length: 3 }, () => {
        const stream = session.request({ ':path': '/?ms=700' });
        let body = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk) => (body += chunk));
        return new Promise<string>((resolve, reject) => {
          stream.on('end', () => resolve(body));
          stream.on('error', reject);
        });
      });
      await lines.waitFor((line) => line === 'accepted 3');
      server.kill('SIGTERM');
      expect(await Promise.all(bodies)).toEqual(['done after 700', 'done after 700', 'done after 700']);
      expect(goaway).toBe(true);
      expect(await exited).toBe(0);
      expect(lines.items).toContain('stopped 0 h2 server:ok');
      session.close();
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  });
});
