import { readdir, readFile, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { testdir } from '@runway/test-utils';
import { formatPublicKey, parsePrivateKey, parsePublicKeys } from '@runway/trust';
import { generateKeyFiles } from './key-files';

describe('generateKeyFiles', () => {
  it('writes the private key (0600) and the public key (.pub) as OpenSSH files that belong together', async () => {
    const dir = await testdir();
    const out = join(dir, 'runway-release');
    const generated = await generateKeyFiles(out, { comment: 'acme release key' });
    expect(generated.privateKeyPath).toBe(out);
    expect(generated.publicKeyPath).toBe(`${out}.pub`);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect((await stat(`${out}.pub`)).mode & 0o777).toBe(0o644);
    const key = parsePrivateKey(await readFile(out, 'utf8'), out);
    const pub = await readFile(`${out}.pub`, 'utf8');
    expect(pub).toBe(formatPublicKey(key.publicKey));
    expect(pub).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+ acme release key\n$/);
    expect(parsePublicKeys(pub, 'pub')[0].keyId).toBe(generated.publicKey.keyId);
    // ssh-keygen takes the key as its own (it also insists on the 0600 mode).
    const derived = await execa('ssh-keygen', ['-y', '-f', out], { env: { HOME: dir }, extendEnv: false, reject: false });
    expect(derived.exitCode, derived.stderr).toBe(0);
    expect(`${derived.stdout}\n`).toBe(pub);
    // Nothing else is left in the folder (no temporary files).
    expect((await readdir(dir)).sort()).toEqual(['runway-release', 'runway-release.pub']);
  });

  it('gives a new key every time', async () => {
    const dir = await testdir();
    const a = await generateKeyFiles(join(dir, 'a'));
    const b = await generateKeyFiles(join(dir, 'b'));
    expect(a.publicKey.keyId).not.toBe(b.publicKey.keyId);
    expect(a.publicKey.comment).toBe('runway-release');
  });

  it.each([
    ['the private key file', { key: 'old private key\n' }],
    ['the public key file', { 'key.pub': 'old public key\n' }],
    ['a dangling symlink at the private key path', {}],
  ])('refuses to overwrite %s and leaves everything as it was', async (what, files) => {
    const dir = await testdir(files);
    if (what.includes('symlink')) await symlink(join(dir, 'nowhere'), join(dir, 'key'));
    const err = await generateKeyFiles(join(dir, 'key')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/already exists; refusing to overwrite a key/);
    expect((await readdir(dir)).sort()).toEqual(Object.keys(files).length ? Object.keys(files) : ['key']);
    for (const [name, content] of Object.entries(files)) expect(await readFile(join(dir, name), 'utf8')).toBe(content);
  });

  it('says clearly when the folder does not exist', async () => {
    const dir = await testdir();
    await expect(generateKeyFiles(join(dir, 'missing', 'key'))).rejects.toThrow(/cannot write .*missing\/key: a folder on the path does not exist/);
  });

  it('refuses a comment with a newline', async () => {
    const dir = await testdir();
    await expect(generateKeyFiles(join(dir, 'key'), { comment: 'a\nb' })).rejects.toThrow(/control character/);
    expect(await readdir(dir)).toEqual([]);
  });
});
