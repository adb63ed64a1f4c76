import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { signIndex } from './release-trust-files';
import { checkIndex, indexSignedBy, nextIndexFiles, nextIndexMetadata, readIndexMetadata } from './signed-index';
import { formatPrivateKey } from './private-key';
import { INDEX_NAMESPACE, signSshsig, SUMS_NAMESPACE } from './sshsig';
import { expectRefusal, newKey, sshKeygenVerify } from './testing/tools';

const NOW = new Date('2026-03-04T12:00:00Z');
const DAY = 24 * 60 * 60;

/** A registry.json as a release writes it: Joblet fields, then the signed-index fields. */
function indexBytes(serial: number, expires: string, extra = ''): Buffer {
  return Buffer.from(`${JSON.stringify({ version: '1', updated_at: '2026-03-04T11:00:00Z', runtimes: {}, expires, serial }, null, 2)}${extra}\n`);
}

describe('nextIndexMetadata', () => {
  it('starts an unsigned registry at serial 1 and grows the serial of a signed one', () => {
    expect(nextIndexMetadata(undefined, NOW, DAY)).toEqual({ serial: 1, expires: '2026-03-05T12:00:00Z' });
    expect(nextIndexMetadata({ version: '1', runtimes: {} }, NOW, DAY)).toEqual({ serial: 1, expires: '2026-03-05T12:00:00Z' });
    expect(nextIndexMetadata({ serial: 41, expires: '2026-01-01T00:00:00Z' }, NOW)).toEqual({ serial: 42, expires: '2026-06-02T12:00:00Z' });
  });

  it.each([
    [{ serial: '7', expires: '2026-01-01T00:00:00Z' }, /"serial" is not a positive integer/],
    [{ serial: 0, expires: '2026-01-01T00:00:00Z' }, /"serial" is not a positive integer/],
    [{ serial: 1.5, expires: '2026-01-01T00:00:00Z' }, /"serial" is not a positive integer/],
    [{ serial: 3 }, /"expires" is not an RFC 3339/],
    [{ serial: Number.MAX_SAFE_INTEGER, expires: '2026-01-01T00:00:00Z' }, /cannot grow/],
  ])('refuses to restart from malformed metadata %j', (previous, message) => {
    expect(() => nextIndexMetadata(previous, NOW, DAY)).toThrow(message);
  });

  it('refuses a lifetime that is not positive', () => {
    expect(() => nextIndexMetadata(undefined, NOW, 0)).toThrow(UserError);
  });

  it('reads metadata only when both fields are valid', () => {
    expect(readIndexMetadata({ serial: 3, expires: '2026-02-30T00:00:00Z' })).toEqual({ problem: '"expires" is not an RFC 3339 date-time' });
    expect(readIndexMetadata({ serial: 3, expires: '2026-03-01T00:00:00+01:00' })).toEqual({ metadata: { serial: 3, expires: '2026-03-01T00:00:00+01:00' } });
    expect(readIndexMetadata({})).toEqual({});
    expect(readIndexMetadata([])).toEqual({ problem: 'the index is not a JSON object' });
  });
});

describe('checkIndex', () => {
  const key = newKey();
  const bytes = indexBytes(5, '2026-04-01T00:00:00Z');
  const signature = signIndex(bytes, key);
  const check = (overrides: Partial<Parameters<typeof checkIndex>[0]> = {}) =>
    checkIndex({ bytes, signature, pinnedKeys: [key.publicKey], lastSeenSerial: 4, now: NOW, ...overrides });

  it('accepts a signed, current, fresh index and says which key signed it', () => {
    expect(check()).toEqual({ ok: true, serial: 5, expires: '2026-04-01T00:00:00Z', keyId: key.publicKey.keyId, document: JSON.parse(bytes.toString()) });
    expect(check({ lastSeenSerial: 5 }).ok).toBe(true);
    expect(check({ lastSeenSerial: undefined }).ok).toBe(true);
  });

  it('writes registry.json.sig that ssh-keygen -Y verify accepts in namespace runway-registry', async () => {
    const r = await sshKeygenVerify({ key, message: bytes, signature, namespace: INDEX_NAMESPACE });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('accepts an index signed by either of two pinned keys (rotation)', () => {
    const next = newKey();
    const pinnedKeys = [key.publicKey, next.publicKey];
    expect(check({ pinnedKeys }).ok).toBe(true);
    const signedByNext = check({ pinnedKeys, signature: signIndex(bytes, next) });
    expect(signedByNext.ok && signedByNext.keyId).toBe(next.publicKey.keyId);
  });

  it.each([
    ['a missing signature', () => check({ signature: undefined }), 'missing-signature', /has no signature/],
    ['a tampered index', () => check({ bytes: Buffer.from(bytes.toString().replace('"runtimes": {}', '"runtimes": {"x": {}}')) }), 'bad-signature', /registry.json.sig: the signature by .* does not match/],
    ['one byte appended', () => check({ bytes: Buffer.concat([bytes, Buffer.from(' ')]) }), 'bad-signature', /does not match/],
    ['a signature by another key', () => check({ signature: signIndex(bytes, newKey()) }), 'unknown-key', /not pinned/],
    ['a SHA256SUMS signature replayed as the index signature', () => check({ signature: signSshsig(bytes, key, SUMS_NAMESPACE) }), 'wrong-purpose', /namespace "file", not "runway-registry"/],
    ['a malformed signature', () => check({ signature: 'garbage' }), 'malformed', /not an armored SSH signature/],
    ['a private key instead of a signature', () => check({ signature: formatPrivateKey(key) }), 'malformed', /not an armored SSH signature/],
    ['a replayed older index', () => check({ lastSeenSerial: 6 }), 'rollback', /serial 5, older than serial 6 already seen/],
    ['an expired index', () => check({ now: new Date('2026-04-01T00:00:00Z') }), 'expired', /expired at 2026-04-01T00:00:00Z \(serial 5\)/],
    ['a signed index without metadata', () => {
      const plain = Buffer.from('{"version":"1","updated_at":"2026-03-04T11:00:00Z","runtimes":{}}\n');
      return check({ bytes: plain, signature: signIndex(plain, key) });
    }, 'malformed-index', /has no "serial" and "expires"/],
    ['a signed index with a bad serial', () => {
      const bad = Buffer.from('{"serial":-1,"expires":"2026-04-01T00:00:00Z"}');
      return check({ bytes: bad, signature: signIndex(bad, key) });
    }, 'malformed-index', /"serial" is not a positive integer/],
    ['a signed document that is not JSON', () => {
      const bad = Buffer.from('not json');
      return check({ bytes: bad, signature: signIndex(bad, key) });
    }, 'malformed-index', /not JSON/],
    ['an oversized index', () => check({ bytes: Buffer.alloc(64 * 1024 * 1024 + 1) }), 'malformed-index', /over 67108864 bytes/],
  ])('refuses %s', (_what, run, reason, message) => {
    const result = run();
    expectRefusal(result, reason, message);
    expect(!result.ok && result.hint.length).toBeGreaterThan(20);
    for (const line of formatPrivateKey(key).split('\n').filter((l) => l && !l.startsWith('-----'))) expect(JSON.stringify(result)).not.toContain(line);
  });

  it('checks the rollback before the expiry, and both after the signature', () => {
    const old = indexBytes(2, '2026-01-01T00:00:00Z');
    expect(checkIndex({ bytes: old, signature: signIndex(old, key), pinnedKeys: [key.publicKey], lastSeenSerial: 5, now: NOW })).toMatchObject({ reason: 'rollback' });
    expect(checkIndex({ bytes: old, signature: signIndex(old, newKey()), pinnedKeys: [key.publicKey], lastSeenSerial: 5, now: NOW })).toMatchObject({ reason: 'unknown-key' });
  });
});

describe('nextIndexFiles', () => {
  const entry = { version: '1.0.0', description: 'd', download_url: 'releases/download/x@1.0.0/x-1.0.0.tar.gz', checksum: `sha256:${'a'.repeat(64)}`, size: 3, platforms: ['ubuntu-amd64'] };
  const unsigned = { version: '1' as const, updated_at: '2026-03-01T00:00:00Z', runtimes: { x: { '1.0.0': entry } } };

  it('signs an unsigned registry at serial 1 without touching its entries, then grows the serial', () => {
    const key = newKey();
    const first = nextIndexFiles({ next: unsigned, previous: unsigned, key, now: NOW, ttlSeconds: DAY });
    const doc = JSON.parse(first.registry);
    expect(doc).toEqual({ ...unsigned, serial: 1, expires: '2026-03-05T12:00:00Z' });
    // Every byte of the unsigned file but its closing brace is kept; the two fields follow.
    expect(first.registry.startsWith(`${JSON.stringify(unsigned, null, 2)}`.slice(0, -2))).toBe(true);
    expect(checkIndex({ bytes: Buffer.from(first.registry), signature: first.signature, pinnedKeys: [key.publicKey], now: NOW })).toMatchObject({ ok: true, serial: 1 });
    expect(indexSignedBy(Buffer.from(first.registry), first.signature, key)).toBe(true);
    expect(indexSignedBy(Buffer.from(first.registry), first.signature, newKey())).toBe(false);
    expect(indexSignedBy(Buffer.from(`${first.registry} `), first.signature, key)).toBe(false);
    const second = nextIndexFiles({ next: doc, previous: doc, key, now: NOW });
    expect(JSON.parse(second.registry).serial).toBe(2);
  });

  it('writes an unsigned registry as it is without a key, and refuses to write a signed one unsigned', () => {
    expect(nextIndexFiles({ next: unsigned, previous: unsigned, key: undefined, now: NOW })).toEqual({ registry: `${JSON.stringify(unsigned, null, 2)}\n` });
    const signed = { ...unsigned, serial: 3, expires: '2026-06-01T00:00:00Z' };
    expect(() => nextIndexFiles({ next: signed, previous: signed, key: undefined, now: NOW })).toThrow(/registry.json is signed, but no signing key is configured/);
  });
});
