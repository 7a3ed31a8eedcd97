// Whatever a program throws (a cycle, a BigInt, an object with no prototype, a
// value whose toString and toJSON throw, an Error holding a BigInt, an
// axios-style error whose config and request point at each other), a real
// service process: logs it, hands its 'stop' listeners and `stopped` events
// that JSON.stringify takes (the error described as name, message, code, stack)
// while `error` is still the value thrown, and ends with the code the table
// gives. A health check that throws such a value fails the check, not the service.
import http from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { FixtureProcess, reap, type FixtureEvent } from './harness/child';

let child: FixtureProcess | undefined;
afterEach(() => reap(child));

const EXIT_FOR = { uncaught: 75, rejection: 75, start: 70, step: 72, stop: 76 } as const;
type How = keyof typeof EXIT_FOR;

// How JSON describes each value: `error` in the event, whatever was thrown.
const DESCRIBED = {
  circular: { name: 'CircularError', message: 'a cycle' },
  bigint: { name: 'bigint', message: '10' },
  'no-prototype': { name: 'Object', message: '[Object: null prototype] {}' },
  'throwing-text': { name: 'Object', message: expect.stringContaining('toString') },
  'throwing-code': { name: 'Object', message: 'its code cannot be read' },
  'throwing-message': { name: 'Error', message: '' },
  'error-with-bigint': { name: 'Error', message: 'a BigInt inside', code: 'E_BIG', stack: expect.stringContaining('a BigInt inside') },
  'axios-style': { name: 'Error', message: 'Request failed with status code 502', code: 'ERR_BAD_RESPONSE', stack: expect.stringContaining('Request failed') },
} as const;
type Thrown = keyof typeof DESCRIBED;

async function run(thrown: Thrown, how: How): Promise<{ stop: FixtureEvent; stopped: FixtureEvent; logs: string[] }> {
  child = new FixtureProcess('thrown-values-service.js', { fixture: { thrown, how } });
  const exit = await child.exited;
  const seen = child.events.items;
  expect({ exit, stdout: seen, stderr: child.stderr }).toMatchObject({ exit: { code: EXIT_FOR[how], signal: null } });
  const one = (name: string) => {
    const found = seen.filter((event) => event.event === name);
    expect(found, JSON.stringify(seen)).toHaveLength(1);
    return found[0]!;
  };
  return { stop: one('stop'), stopped: one('stopped'), logs: seen.filter((event) => event.event === 'log').map((event) => String(event.text)) };
}

const CASES: [Thrown, How][] = [
  ['circular', 'uncaught'],
  ['circular', 'start'],
  ['bigint', 'uncaught'],
  ['bigint', 'rejection'],
  ['no-prototype', 'uncaught'],
  ['no-prototype', 'rejection'],
  ['throwing-text', 'uncaught'],
  ['throwing-text', 'start'],
  ['throwing-code', 'start'],
  ['throwing-code', 'uncaught'],
  ['throwing-message', 'stop'],
  ['error-with-bigint', 'stop'],
  ['axios-style', 'stop'],
  ['axios-style', 'uncaught'],
];

describe.runIf(process.platform !== 'win32')('a thrown value no JSON can hold', () => {
  for (const [thrown, how] of CASES) {
    test(`${thrown}, ${how}: exit ${EXIT_FOR[how]}, the stop event and the outcome stringify, error is the value thrown`, async () => {
      const { stop, stopped, logs } = await run(thrown, how);
      expect(stop).toMatchObject({ json: { reason: 'error', error: DESCRIBED[thrown] }, same: true });
      expect(stopped).toMatchObject({ json: { reason: 'error', exitCode: EXIT_FOR[how], error: DESCRIBED[thrown] }, same: true });
      expect(Object.keys((stop.json as { error: object }).error).sort()).toEqual(Object.keys(DESCRIBED[thrown]).sort());
      // Logged with its text (service.stop(error) is the program's own: not logged).
      if (how !== 'stop') expect(logs.join('\n')).toContain(typeof DESCRIBED[thrown].message === 'string' ? DESCRIBED[thrown].message : 'toString');
    });
  }

  for (const thrown of ['circular', 'bigint', 'no-prototype', 'throwing-text', 'axios-style'] as const) {
    test(`${thrown} thrown by a teardown step: exit 72, outcome.steps stringifies, its error is the value thrown`, async () => {
      const { stopped, logs } = await run(thrown, 'step');
      expect(stopped).toMatchObject({
        json: { reason: 'programmatic', exitCode: 72, steps: [{ name: 'throws', outcome: 'failed', error: DESCRIBED[thrown] }] },
        stepSame: [true],
      });
      expect(logs.join('\n')).toContain('teardown step "throws" failed');
    });
  }
});

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe.runIf(process.platform !== 'win32')('a health check that throws a value with no usable text', () => {
  for (const thrown of ['no-prototype', 'throwing-text', 'bigint'] as const) {
    test(`${thrown}: the check fails with a message, the service lives on and stops with 0`, async () => {
      child = new FixtureProcess('thrown-values-service.js', { fixture: { thrown, how: 'health' } });
      const { port } = (await child.waitForEvent('health')) as FixtureEvent & { port: number };
      const message = DESCRIBED[thrown].message;
      for (const path of ['/readyz', '/healthz', '/readyz']) {
        const answer = await get(port, path);
        expect(answer.status).toBe(503);
        expect(JSON.parse(answer.body)).toMatchObject({ checks: { thrower: { status: 'failed', error: message } } });
      }
      child.kill('SIGTERM');
      expect(await child.exited, child.stderr + JSON.stringify(child.events.items)).toEqual({ code: 0, signal: null });
      const logs = child.events.items.filter((event) => event.event === 'log').map((event) => String(event.text));
      expect(logs.some((text) => text.includes('health check "thrower" failed'))).toBe(true);
    });
  }
});
