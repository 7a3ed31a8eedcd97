// What was thrown, said safely (lib/lifecycle/error-description.ts): for every
// value a program can throw, the log text, the message and the JSON
// description never throw, and say what they can.
import { describe, expect, test } from 'vitest';
import { describeError, errorMessage, errorText, withErrorDescribedInJSON } from '../../lib/lifecycle/error-description';

const cycle = (): object => {
  const value: Record<string, unknown> = { message: 'a cycle' };
  value.self = value;
  return value;
};
const hostile = {
  'no prototype': Object.create(null) as object,
  'toString and toJSON throw': {
    toString() {
      throw new Error('no text');
    },
    toJSON() {
      throw new Error('no JSON');
    },
  },
  // An Error by its prototype whose every property throws when read.
  'getters throw': Object.create(Error.prototype, {
    name: { get: () => { throw new Error('no name'); } },
    message: { get: () => { throw new Error('no message'); } },
    stack: { get: () => { throw new Error('no stack'); } },
    code: { get: () => { throw new Error('no code'); } },
  }),
  'a Proxy whose traps throw': new Proxy({}, {
    get: () => { throw new Error('trap'); },
    getPrototypeOf: () => { throw new Error('trap'); },
    ownKeys: () => { throw new Error('trap'); },
  }),
  'a revoked Proxy': (() => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  })(),
  'a BigInt': 10n,
  'a Symbol': Symbol('thrown'),
  'a cycle': cycle(),
  'an Error with a BigInt code': Object.assign(new Error('odd code'), { code: 10n }),
  'a function': function thrower() {},
  null: null,
  undefined,
};

describe('what was thrown, said safely', () => {
  for (const [what, value] of Object.entries(hostile)) {
    test(`${what}: text, message and description never throw, and the description stringifies`, () => {
      expect(typeof errorText(value)).toBe('string');
      expect(typeof errorMessage(value)).toBe('string');
      const described = describeError(value);
      expect(described).toEqual({ name: expect.any(String), message: expect.any(String), ...('code' in described ? { code: expect.anything() } : {}), ...('stack' in described ? { stack: expect.any(String) } : {}) });
      expect(() => JSON.stringify(withErrorDescribedInJSON({ reason: 'error', error: value }))).not.toThrow();
    });
  }

  test('what each says', () => {
    const error = Object.assign(new Error('refused'), { code: 'ECONNREFUSED', errno: -111 });
    expect(describeError(error)).toEqual({ name: 'Error', message: 'refused', code: 'ECONNREFUSED', stack: error.stack });
    expect(errorText(error)).toBe(error.stack);
    expect(errorMessage(error)).toBe('refused');
    expect(describeError(new TypeError('x', { cause: 10n }))).toMatchObject({ name: 'TypeError', message: 'x' });
    expect(describeError(10n)).toEqual({ name: 'bigint', message: '10' });
    expect(describeError('plain text')).toEqual({ name: 'string', message: 'plain text' });
    expect(describeError(null)).toEqual({ name: 'null', message: 'null' });
    expect(describeError(hostile['no prototype'])).toEqual({ name: 'Object', message: '[Object: null prototype] {}' });
    expect(errorText(hostile['no prototype'])).toBe('[Object: null prototype] {}');
    expect(errorText({ reason: 'db down' })).toBe("{ reason: 'db down' }");
    expect(describeError(cycle())).toEqual({ name: 'Object', message: 'a cycle' });
    expect(describeError(hostile['an Error with a BigInt code'])).not.toHaveProperty('code');
    expect(describeError(hostile['getters throw'])).toEqual({ name: 'Error', message: '' });
    expect(errorText(hostile['getters throw'])).toBe('Error: ');
  });

  test('the toJSON is not enumerable: the carrier keeps its fields, and JSON describes only `error`', () => {
    const thrown = cycle();
    const event = withErrorDescribedInJSON({ reason: 'error', detail: 'it broke', error: thrown as unknown });
    expect(Object.keys(event)).toEqual(['reason', 'detail', 'error']);
    expect({ ...event }).toEqual({ reason: 'error', detail: 'it broke', error: thrown });
    expect(event.error).toBe(thrown);
    expect(JSON.parse(JSON.stringify({ event }))).toEqual({ event: { reason: 'error', detail: 'it broke', error: { name: 'Object', message: 'a cycle' } } });
  });
});
