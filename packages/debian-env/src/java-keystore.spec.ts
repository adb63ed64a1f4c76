import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { makeFilesDeterministic } from './deterministic-files';
import { keystoreDigest, normalizeJavaKeystore } from './java-keystore';

/** A JKS keystore of trusted certificates as Java writes one (version 2), for the tests. */
function jks(entries: Array<{ alias: string; time: number; cert: string }>, password = 'changeit'): Buffer {
  const parts: Buffer[] = [];
  const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const utf = (s: string) => Buffer.concat([u16(Buffer.byteLength(s)), Buffer.from(s)]);
  parts.push(u32(0xfeedfeed), u32(2), u32(entries.length));
  for (const e of entries) {
    const time = Buffer.alloc(8);
    time.writeBigUInt64BE(BigInt(e.time));
    parts.push(u32(2), utf(e.alias), time, utf('X.509'), u32(e.cert.length), Buffer.from(e.cert));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, keystoreDigest(body, password)]);
}

const certs = (time: (i: number) => number) => [{ alias: 'debian:a.pem', cert: 'DER-A' }, { alias: 'debian:b.pem', cert: 'DER-BB' }].map((c, i) => ({ ...c, time: time(i) }));

describe('Java trust store normalisation', () => {
  it('sets every entry time to SOURCE_DATE_EPOCH and recomputes the digest: two runs give one file', () => {
    const a = normalizeJavaKeystore(jks(certs((i) => 1_764_000_000_123 + i)), 1_700_000_000_000);
    const b = normalizeJavaKeystore(jks(certs((i) => 1_764_000_999_000 + 7 * i)), 1_700_000_000_000);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(jks(certs(() => 1_700_000_000_000)))).toBe(true);
    expect(normalizeJavaKeystore(a, 1_700_000_000_000).equals(a)).toBe(true);
  });

  it('refuses what it cannot rewrite safely', () => {
    expect(() => normalizeJavaKeystore(Buffer.from('PKCS12 or anything else, long enough to have a digest'), 0)).toThrow('not a JKS keystore');
    expect(() => normalizeJavaKeystore(jks(certs(() => 1), 'secret!'), 0)).toThrow('digest does not match');
    const truncated = jks(certs(() => 1)).subarray(0, 40);
    expect(() => normalizeJavaKeystore(Buffer.concat([truncated, keystoreDigest(truncated, 'changeit')]), 0)).toThrow(/truncated|trailing/);
  });

  it('is applied to etc/ssl/certs/java/cacerts of a tree, with the password from etc/default/cacerts', async () => {
    const root = await testdir({
      'etc/default/cacerts': '#storepass=ignored\nstorepass="s3cret"\n',
      'etc/ssl/certs/java/cacerts': jks(certs(() => 5), 's3cret'),
    });
    expect(await makeFilesDeterministic(root, 1_700_000_000)).toEqual(['etc/ssl/certs/java/cacerts']);
    expect((await readFile(join(root, 'etc/ssl/certs/java/cacerts'))).equals(jks(certs(() => 1_700_000_000_000), 's3cret'))).toBe(true);
    expect(await makeFilesDeterministic(await testdir(), 1)).toEqual([]);
  });
});
