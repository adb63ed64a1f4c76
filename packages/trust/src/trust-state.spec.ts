import { describe, expect, it } from 'vitest';
import { emptyTrustState, lastSeenSerial, parseTrustState, recordIndex, serializeTrustState } from './trust-state';

const seen = (serial: number) => ({ serial, expires: '2026-06-01T00:00:00Z', key_id: 'SHA256:abc', seen_at: '2026-03-04T12:00:00Z' });

describe('trust state', () => {
  it('remembers the highest serial per registry and round-trips through its file', () => {
    let state = emptyTrustState();
    expect(lastSeenSerial(state, 'https://example.test/registry.json')).toBeUndefined();
    state = recordIndex(state, 'https://example.test/registry.json', seen(3));
    state = recordIndex(state, '/srv/registry', seen(1));
    state = recordIndex(state, 'https://example.test/registry.json', seen(3));
    const text = serializeTrustState(state);
    expect(text).toBe(`${JSON.stringify({ version: 1, registries: { '/srv/registry': seen(1), 'https://example.test/registry.json': seen(3) } }, null, 2)}\n`);
    const back = parseTrustState(text, 'trust.json');
    expect(lastSeenSerial(back, 'https://example.test/registry.json')).toBe(3);
    expect(lastSeenSerial(back, '/srv/registry')).toBe(1);
  });

  it('never lowers a serial and never changes the state it was given', () => {
    const state = recordIndex(emptyTrustState(), 'r', seen(5));
    expect(() => recordIndex(state, 'r', seen(4))).toThrow(/serial 5 was already seen/);
    recordIndex(state, 'r', seen(6));
    expect(lastSeenSerial(state, 'r')).toBe(5);
  });

  it('looks registry ids up without touching prototypes', () => {
    const state = parseTrustState('{"version":1,"registries":{"__proto__":{"serial":2,"expires":"x","key_id":"k","seen_at":"t"}}}', 'trust.json');
    expect(lastSeenSerial(state, '__proto__')).toBe(2);
    expect(lastSeenSerial(state, 'constructor')).toBeUndefined();
    expect(lastSeenSerial(state, 'toString')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['another version', '{"version":2,"registries":{}}', /not a Runway trust state/],
    ['a bad serial', '{"version":1,"registries":{"r":{"serial":0,"expires":"x","key_id":"k","seen_at":"t"}}}', /entry of "r" is malformed/],
  ])('refuses a state file that is %s rather than forgetting what it saw', (_what, text, message) => {
    expect(() => parseTrustState(text, 'trust.json')).toThrow(message);
  });
});
