import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError, UserError } from '@runway/errors';
import { testdir } from '@runway/test-utils';
import { formatPublicKey } from '@runway/trust';
import { generateKeyFiles } from './key-files';
import { loadSigningKey, readPinnedKeys, readSigningKey } from './load-keys';

/** A generated key pair, and every form of its private key a leak could take. */
async function aKeyPair() {
  const dir = await testdir();
  const generated = await generateKeyFiles(join(dir, 'runway-release'));
  const text = await readFile(generated.privateKeyPath, 'utf8');
  const lines = text.split('\n').filter((l) => l && !l.startsWith('-----'));
  return { dir, generated, text, secrets: [...lines, lines.join('')] };
}

async function failure(run: () => Promise<unknown>, secrets: string[]): Promise<UserError> {
  const err = await run().then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  const shown = `${formatError(err)}\n${String((err as Error).cause ?? '')}`;
  for (const secret of secrets) expect(shown).not.toContain(secret);
  return err as UserError;
}

describe('loadSigningKey', () => {
  it('takes the key text from RUNWAY_SIGNING_KEY, or the path of its file (relative to cwd)', async () => {
    const { dir, generated, text } = await aKeyPair();
    const keyId = generated.publicKey.keyId;
    expect((await loadSigningKey({ RUNWAY_SIGNING_KEY: text }, '/'))?.publicKey.keyId).toBe(keyId);
    expect((await loadSigningKey({ RUNWAY_SIGNING_KEY: generated.privateKeyPath }, '/'))?.publicKey.keyId).toBe(keyId);
    expect((await loadSigningKey({ RUNWAY_SIGNING_KEY: 'runway-release' }, dir))?.publicKey.keyId).toBe(keyId);
    expect((await readSigningKey(generated.privateKeyPath)).publicKey.keyId).toBe(keyId);
  });

  it('gives no key when RUNWAY_SIGNING_KEY is unset or empty', async () => {
    expect(await loadSigningKey({}, '/')).toBeUndefined();
    expect(await loadSigningKey({ RUNWAY_SIGNING_KEY: '  ' }, '/')).toBeUndefined();
  });

  it('never puts the private key into an error, on any path through loading', async () => {
    const { dir, text, secrets } = await aKeyPair();
    const lines = text.split('\n');
    const bodyOnly = lines.slice(1, -2).join('');
    await writeFile(join(dir, 'damaged'), text.replace(/\n[A-Za-z0-9+/]{5}/, '\n'));
    const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
      ['the base64 body without armor', () => loadSigningKey({ RUNWAY_SIGNING_KEY: bodyOnly }, dir), /RUNWAY_SIGNING_KEY holds neither an OpenSSH private key nor the path of a readable key file \((no such file|error ENAMETOOLONG)\)/],
      ['one line of the key', () => loadSigningKey({ RUNWAY_SIGNING_KEY: lines[2] }, dir), /RUNWAY_SIGNING_KEY holds neither/],
      ['the key cut in half', () => loadSigningKey({ RUNWAY_SIGNING_KEY: text.slice(0, text.length / 2) }, dir), /RUNWAY_SIGNING_KEY is an incomplete OpenSSH private key/],
      ['the key without its last line', () => loadSigningKey({ RUNWAY_SIGNING_KEY: lines.slice(0, -2).join('\n') }, dir), /RUNWAY_SIGNING_KEY is an incomplete OpenSSH private key/],
      ['a damaged key file', () => loadSigningKey({ RUNWAY_SIGNING_KEY: 'damaged' }, dir), /the key file named by RUNWAY_SIGNING_KEY is a damaged OpenSSH private key/],
      ['a folder', () => loadSigningKey({ RUNWAY_SIGNING_KEY: dir }, dir), /RUNWAY_SIGNING_KEY holds neither .* \(not a regular file\)/],
      ['the public key file', () => loadSigningKey({ RUNWAY_SIGNING_KEY: 'runway-release.pub' }, dir), /is a public key/],
      ['a damaged key file read directly', () => readSigningKey(join(dir, 'damaged')), /damaged\S* is a damaged OpenSSH private key/],
      ['a missing key file read directly', () => readSigningKey(join(dir, 'nope')), /cannot read the private key .*nope: no such file/],
      ['the private key pinned as a public key', () => readPinnedKeys(['runway-release'], dir), /holds a private key, not a public key/],
      ['the private key text pinned inline', () => readPinnedKeys([text], dir), /^the key given inline holds a private key, not a public key$/],
    ];
    for (const [what, run, message] of cases) {
      const err = await failure(run, secrets);
      expect(err.message, what).toMatch(message);
    }
  });

  it('does not print the value of RUNWAY_SIGNING_KEY when it names no file', async () => {
    const err = await failure(() => loadSigningKey({ RUNWAY_SIGNING_KEY: 'secret-looking-value-123' }, '/'), ['secret-looking-value-123']);
    expect(err.hint).toMatch(/the whole private key .* or to the path of the file/);
  });
});

describe('readPinnedKeys', () => {
  it('pins keys from files and inline lines, several at once for rotation, each once', async () => {
    const a = await aKeyPair();
    const b = await aKeyPair();
    const both = join(a.dir, 'both.pub');
    await writeFile(both, formatPublicKey(a.generated.publicKey) + formatPublicKey(b.generated.publicKey));
    const keys = await readPinnedKeys([a.generated.publicKeyPath, formatPublicKey(b.generated.publicKey).trim(), both], '/');
    expect(keys.map((k) => k.keyId)).toEqual([a.generated.publicKey.keyId, b.generated.publicKey.keyId]);
    expect((await readPinnedKeys(['runway-release.pub'], a.dir))[0].keyId).toBe(a.generated.publicKey.keyId);
  });

  it('names the file it cannot read', async () => {
    const dir = await testdir({ big: 'x'.repeat(70_000) });
    await expect(readPinnedKeys(['missing.pub'], dir)).rejects.toThrow(/cannot read the public key .*missing\.pub: no such file/);
    await expect(readPinnedKeys(['big'], dir)).rejects.toThrow(/over 65536 bytes/);
  });
});
