// What a restart costs where no manager holds the socket: under the SCM,
// service.listen(server, port) binds the port itself, so from the moment the
// old process closes it until the new one listens, connections are refused.
// A client probes the port every 2 ms across 5 restarts (servicehost's
// manager: stop, wait for STOPPED, start, wait for RUNNING) and prints how
// long each left the port closed (docs/windows.md, BENCHMARKS.md).
import net from 'node:net';
import { describe, expect, inject, test } from 'vitest';
import { manage } from './harness/manage';
import { startAndWaitRunning, waitFor, withService } from './harness/service';

const ring = inject('windowsRing');
const RESTARTS = 5;

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe.skipIf(!ring.available)('a restart under the SCM', () => {
  test(`service.listen binds the port itself; each of ${RESTARTS} restarts leaves it closed for a while`, async () => {
    const port = 40_000 + (process.pid % 10_000);
    await withService('restart-port', { script: 'listen-service.js', args: [String(port)] }, async (service) => {
      await startAndWaitRunning(service.name);
      await waitFor('listening', () => service.records().find((record) => record.event === 'listening'), 30_000);
      expect(service.records()[0]).toMatchObject({ event: 'listening', inherited: false, host: 'windows-service' });

      // The probe: every 2 ms; a closed stretch runs from the last connection accepted before it to the first after.
      const closed: number[] = [];
      let probing = true;
      const probe = (async () => {
        let lastOpen = Date.now();
        let wasClosed = false;
        while (probing) {
          const open = await connects(port);
          const now = Date.now();
          if (open && wasClosed) closed.push(now - lastOpen);
          if (open) lastOpen = now;
          wasClosed = !open;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      try {
        for (let restart = 1; restart <= RESTARTS; restart += 1) {
          const [restarted] = await manage([{ op: 'restart', name: service.name }]);
          // A failed restart says the product's words (a 1053 says how long StartService waited) and the
          // program's last records (why its start failed: the SCM holds only the exit code).
          if (!restarted!.ok) throw new Error(`restart ${restart} failed: ${restarted!.error.code}: ${restarted!.error.message}\nthe program's log: ${service.lines().slice(-5).join('\n')}`);
          await waitFor(`listening after restart ${restart}`, () => service.records().filter((record) => record.event === 'listening').length > restart || undefined, 30_000);
          await waitFor('the probe sees the port open', () => connects(port).then((open) => open || undefined), 10_000);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        probing = false;
        await probe;
      }
      const sorted = [...closed].sort((a, b) => a - b);
      console.log(`[windows ring] port closed across each restart (ms): ${closed.join(', ')}; median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted.at(-1)}`);
      expect(closed.length).toBe(RESTARTS);
      expect(new Set(service.records().map((record) => record.pid)).size).toBe(RESTARTS + 1);
    });
  }, 300_000);
});
