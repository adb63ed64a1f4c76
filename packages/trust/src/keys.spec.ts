import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError, InternalError, UserError } from '@runway/errors';
import { testdir } from '@runway/test-utils';
import { formatPrivateKey, parsePrivateKey, signingKeyFromKeyObject } from './private-key';
import { allowedSignersLine, formatPublicKey, parsePublicKeys } from './public-key';
import { sshString } from './ssh-wire';
import { newKey, tool } from './testing/tools';

/** Every base64 run of the private key file body, and the seed in the encodings a leak would use. */
function secretsOf(keyText: string, key: ReturnType<typeof newKey>): string[] {
  const seed = Buffer.from(key.privateKey.export({ format: 'jwk' }).d as string, 'base64url');
  const body = keyText.split('\n').filter((l) => l && !l.startsWith('-----'));
  return [...body, body.join(''), seed.toString('base64'), seed.toString('base64url'), seed.toString('hex')];
}

function expectUserError(run: () => unknown, secrets: string[]): UserError {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UserError);
  const err = caught as UserError;
  const shown = `${formatError(err)}\n${err.hint ?? ''}\n${String(err.cause ?? '')}`;
  for (const secret of secrets) expect(shown).not.toContain(secret);
  return err;
}

describe('OpenSSH Ed25519 keys', () => {
  it('round-trips a generated key through the OpenSSH private key format', () => {
    const key = newKey('release key');
    const text = formatPrivateKey(key);
    expect(text).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,70}\n)+-----END OPENSSH PRIVATE KEY-----\n$/);
    const back = parsePrivateKey(text, 'key');
    expect(back.publicKey.keyId).toBe(key.publicKey.keyId);
    expect(back.publicKey.comment).toBe('release key');
    expect(formatPrivateKey(back)).toBe(text);
  });

  it('writes a private key that ssh-keygen reads, and the public line ssh-keygen derives from it', async () => {
    const key = newKey('runway-release');
    const dir = await testdir({ key: { content: formatPrivateKey(key), mode: 0o600 } });
    const derived = await tool('ssh-keygen', ['-y', '-f', 'key'], { cwd: dir });
    expect(derived.exitCode, derived.stderr).toBe(0);
    expect(`${derived.stdout}\n`).toBe(formatPublicKey(key.publicKey));
    const fingerprint = await tool('ssh-keygen', ['-l', '-f', 'key'], { cwd: dir });
    expect(fingerprint.stdout).toContain(key.publicKey.keyId);
  });

  it('reads a key pair made by ssh-keygen -t ed25519', async () => {
    const dir = await testdir();
    const made = await tool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'made by ssh-keygen', '-f', 'k'], { cwd: dir });
    expect(made.exitCode, made.stderr).toBe(0);
    const key = parsePrivateKey(await readFile(join(dir, 'k'), 'utf8'), 'k');
    const [pub] = parsePublicKeys(await readFile(join(dir, 'k.pub'), 'utf8'), 'k.pub');
    expect(key.publicKey.keyId).toBe(pub.keyId);
    expect(key.publicKey.comment).toBe('made by ssh-keygen');
    expect(formatPublicKey(pub)).toBe(await readFile(join(dir, 'k.pub'), 'utf8'));
  });

  it('reads a key whose newlines a secret store flattened to spaces or literal \\n', () => {
    const key = newKey();
    const text = formatPrivateKey(key);
    expect(parsePrivateKey(text.replace(/\n/g, ' '), 'env').publicKey.keyId).toBe(key.publicKey.keyId);
    expect(parsePrivateKey(text.replace(/\n/g, '\\n'), 'env').publicKey.keyId).toBe(key.publicKey.keyId);
    expect(parsePrivateKey(`  ${text.replace(/\n/g, '\r\n')}  `, 'env').publicKey.keyId).toBe(key.publicKey.keyId);
  });

  describe('refuses unusable private keys without echoing them', () => {
    it.each([
      ['an encrypted key', ['-t', 'ed25519', '-N', 'a passphrase'], /protected by a passphrase/],
      ['an RSA key', ['-t', 'rsa', '-b', '2048', '-N', ''], /wrong type of key: it is a ssh-rsa key/],
      ['an ECDSA key', ['-t', 'ecdsa', '-N', ''], /wrong type of key: it is a ecdsa-sha2-nistp256 key/],
    ])('%s made by ssh-keygen', async (_what, args, message) => {
      const dir = await testdir();
      expect((await tool('ssh-keygen', ['-q', ...args, '-f', 'k'], { cwd: dir })).exitCode).toBe(0);
      const text = await readFile(join(dir, 'k'), 'utf8');
      const secrets = text.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
      const err = expectUserError(() => parsePrivateKey(text, 'k'), secrets);
      expect(err.message).toMatch(message);
      expect(err.message.startsWith('k ')).toBe(true);
    });

    const key = newKey();
    const text = formatPrivateKey(key);
    const secrets = secretsOf(text, key);
    const body = Buffer.from(text.split('\n').slice(1, -2).join(''), 'base64');
    const rearmor = (bytes: Buffer) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${bytes.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const flip = (offset: number) => { const b = Buffer.from(body); b[offset] ^= 1; return rearmor(b); };
    const other = newKey();
    // Splice another key's public half into this key: the halves no longer match.
    const mismatched = Buffer.from(body);
    Buffer.from(other.publicKey.blob).copy(mismatched, body.indexOf(Buffer.from(key.publicKey.blob)));
    const pkcs8 = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    it.each([
      ['truncated', rearmor(body.subarray(0, body.length - 20)), /damaged OpenSSH private key \(truncated\)/],
      ['check integers differ', flip(body.indexOf(Buffer.from('ssh-ed25519', 'latin1'), 60) - 9), /check integers differ/],
      ['halves do not match', rearmor(mismatched), /halves do not match/],
      ['bad padding', flip(body.length - 1), /padding/],
      ['trailing bytes', rearmor(Buffer.concat([body, Buffer.from([0])])), /trailing bytes/],
      ['body not base64', text.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1!'), /body is not base64/],
      ['no armor', text.split('\n').slice(1, -2).join('\n'), /not an OpenSSH private key/],
      ['a public key', formatPublicKey(key.publicKey), /is a public key/],
      ['a PKCS#8 key', pkcs8, /PEM \(PKCS#1\/PKCS#8\) private key/],
      ['an encrypted PKCS#8 key', generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }) as string, /encrypted PKCS#8/],
      ['oversized', `${text}${'A'.repeat(20_000)}`, /too large/],
      ['empty', '', /not an OpenSSH private key/],
    ])('%s', (_what, input, message) => {
      const err = expectUserError(() => parsePrivateKey(input, 'RUNWAY_SIGNING_KEY'), secrets);
      expect(err.message).toMatch(message);
      expect(err.hint).toBeTruthy();
    });
  });

  it('signingKeyFromKeyObject refuses anything but an Ed25519 private key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    expect(() => signingKeyFromKeyObject(publicKey)).toThrow(InternalError);
    expect(() => signingKeyFromKeyObject(generateKeyPairSync('x25519').privateKey)).toThrow(InternalError);
    expect(signingKeyFromKeyObject(privateKey).publicKey.keyId).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('public keys to pin', () => {
  it('reads several keys (rotation), skipping comments and blank lines, each key once', () => {
    const [a, b] = [newKey('current'), newKey('next')];
    const text = `# pinned\n${formatPublicKey(a.publicKey)}\n\n${formatPublicKey(b.publicKey)}${formatPublicKey(a.publicKey)}`;
    const keys = parsePublicKeys(text, 'keys.pub');
    expect(keys.map((k) => [k.keyId, k.comment])).toEqual([[a.publicKey.keyId, 'current'], [b.publicKey.keyId, 'next']]);
  });

  it('writes an allowed_signers line restricted to namespaces', () => {
    const key = newKey();
    expect(allowedSignersLine('runway-release', key.publicKey, ['file', 'runway-registry']))
      .toBe(`runway-release namespaces="file,runway-registry" ${formatPublicKey(key.publicKey).split(' ').slice(0, 2).join(' ')}\n`);
  });

  it.each([
    ['an RSA key line', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ x', /keys.pub:1: is not an ssh-ed25519 public key \(key type ssh-rsa\)/],
    ['an allowed_signers line', 'me ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFCDhfXMvEl4BiHOeMoYCSWDz0q17VE+QEbIH8kg9Q4v', /allowed_signers line/],
    ['a blob of another type', `ssh-ed25519 ${Buffer.concat([sshString('ssh-rsa'), sshString('x')]).toString('base64')}`, /malformed ssh-ed25519 public key \(it is a ssh-rsa key/],
    ['a short key', `ssh-ed25519 ${Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.alloc(16))]).toString('base64')}`, /malformed ssh-ed25519 public key \(an Ed25519 public key has 32 bytes\)/],
    ['not base64', 'ssh-ed25519 AAAA!!!!', /not base64/],
    ['no key', '# nothing\n', /holds no public key/],
    ['too many keys', Array.from({ length: 33 }, () => formatPublicKey(newKey().publicKey)).join(''), /more than 32 keys/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parsePublicKeys(text, 'keys.pub')).toThrow(message);
  });

  it('refuses a private key given as a public key without echoing it', () => {
    const key = newKey();
    const text = formatPrivateKey(key);
    const err = expectUserError(() => parsePublicKeys(text, '--key'), secretsOf(text, key));
    expect(err.message).toBe('--key holds a private key, not a public key');
  });
});
