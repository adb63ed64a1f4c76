import { describe, expect, it } from 'vitest';
import { INDEX_NAMESPACE, signSshsig, SUMS_NAMESPACE, verifySshsig } from './sshsig';
import { expectRefusal, newKey, sshKeygenSign, sshKeygenVerify } from './testing/tools';

const MESSAGE = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  python-3.11-1.4.0.tar.gz\n');

describe('SSHSIG signatures', () => {
  it('are verified by ssh-keygen -Y verify, in each namespace Runway uses', async () => {
    const key = newKey();
    for (const namespace of [SUMS_NAMESPACE, INDEX_NAMESPACE]) {
      const signature = signSshsig(MESSAGE, key, namespace);
      const r = await sshKeygenVerify({ key, message: MESSAGE, signature, namespace });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Good "${namespace}" signature for runway-release with ED25519 key ${key.publicKey.keyId}`);
    }
  });

  it('are byte-identical to what ssh-keygen -Y sign writes with the same key', async () => {
    const key = newKey();
    expect(signSshsig(MESSAGE, key, SUMS_NAMESPACE)).toBe(await sshKeygenSign({ key, message: MESSAGE, namespace: SUMS_NAMESPACE }));
  });

  it('ssh-keygen refuses a Runway signature over changed bytes or in another namespace', async () => {
    const key = newKey();
    const signature = signSshsig(MESSAGE, key, SUMS_NAMESPACE);
    expect((await sshKeygenVerify({ key, message: Buffer.concat([MESSAGE, Buffer.from('x')]), signature, namespace: SUMS_NAMESPACE })).exitCode).not.toBe(0);
    expect((await sshKeygenVerify({ key, message: MESSAGE, signature, namespace: INDEX_NAMESPACE })).exitCode).not.toBe(0);
  });

  it.each(['sha512', 'sha256'])('verify signatures made by ssh-keygen -Y sign (hash %s)', async (hashalg) => {
    const key = newKey();
    const signature = await sshKeygenSign({ key, message: MESSAGE, namespace: SUMS_NAMESPACE, hashalg });
    const check = verifySshsig({ message: MESSAGE, signature, pinnedKeys: [key.publicKey], namespace: SUMS_NAMESPACE });
    expect(check).toEqual({ ok: true, key: key.publicKey });
  });

  it('accept either of two pinned keys (rotation) and report which one verified', () => {
    const [old, next] = [newKey('old'), newKey('next')];
    for (const signer of [old, next]) {
      const check = verifySshsig({ message: MESSAGE, signature: signSshsig(MESSAGE, signer, SUMS_NAMESPACE), pinnedKeys: [old.publicKey, next.publicKey], namespace: SUMS_NAMESPACE });
      expect(check.ok && check.key.keyId).toBe(signer.publicKey.keyId);
    }
  });

  describe('refusals', () => {
    const key = newKey();
    const signature = signSshsig(MESSAGE, key, INDEX_NAMESPACE);
    const blob = Buffer.from(signature.split('\n').slice(1, -2).join(''), 'base64');
    const rearmor = (bytes: Buffer) => `-----BEGIN SSH SIGNATURE-----\n${bytes.toString('base64')}\n-----END SSH SIGNATURE-----\n`;
    const flipLast = () => { const b = Buffer.from(blob); b[b.length - 1] ^= 1; return rearmor(b); };
    const withVersion = () => { const b = Buffer.from(blob); b.writeUInt32BE(2, 6); return rearmor(b); };
    const check = (input: { message?: Uint8Array; signature?: string; namespace?: string; pinned?: ReturnType<typeof newKey>[] }) =>
      verifySshsig({ message: input.message ?? MESSAGE, signature: input.signature ?? signature, pinnedKeys: (input.pinned ?? [key]).map((k) => k.publicKey), namespace: input.namespace ?? INDEX_NAMESPACE });

    it.each([
      ['changed bytes', () => check({ message: Buffer.from(MESSAGE.toString().replace('0123', '0124')) }), 'bad-signature', /does not match the signed bytes/],
      ['a changed signature', () => check({ signature: flipLast() }), 'bad-signature', /does not match/],
      ['another namespace', () => check({ namespace: SUMS_NAMESPACE }), 'wrong-purpose', /made for namespace "runway-registry", not "file"/],
      ['a key that is not pinned', () => check({ pinned: [newKey()] }), 'unknown-key', new RegExp(`made by key ${key.publicKey.keyId.replace(/[+/]/g, '\\$&')}, which is not pinned`)],
      ['another version', () => check({ signature: withVersion() }), 'malformed', /version 2 is not 1/],
      ['trailing bytes', () => check({ signature: rearmor(Buffer.concat([blob, Buffer.from([0])])) }), 'malformed', /trailing bytes/],
      ['a truncated blob', () => check({ signature: rearmor(blob.subarray(0, 80)) }), 'malformed', /truncated/],
      ['text around the armor', () => check({ signature: `junk\n${signature}` }), 'malformed', /not an armored SSH signature/],
      ['no armor', () => check({ signature: 'hello' }), 'malformed', /not an armored SSH signature/],
      ['an oversized signature', () => check({ signature: `${signature}${' '.repeat(9000)}` }), 'malformed', /over 8192 bytes/],
      ['a huge declared length', () => check({ signature: rearmor(Buffer.concat([blob.subarray(0, 10), Buffer.from([0xff, 0xff, 0xff, 0xff])])) }), 'malformed', /truncated/],
    ])('%s', (_what, run, reason, message) => expectRefusal(run(), reason, message));
  });
});
