import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { sha256File } from '@runway/file-hash';
import { testdir } from '@runway/test-utils';
import { checkIndex, signingKeyFromKeyObject } from '@runway/trust';
import { addEntry, type RegistryEntry } from '@runway/registry';
import { publishFiles, releasePath, requirePublishedFiles, updateDirectoryRegistry, type IndexSigning } from '.';

/** Adds `entry` as a release does: its files checked, then one locked, signed write. */
async function addToDirectoryRegistry(dir: string, name: string, e: RegistryEntry, files: string[], signing: IndexSigning) {
  await requirePublishedFiles(dir, files, `add ${name}@${e.version}`);
  return updateDirectoryRegistry(dir, (current) => addEntry(current, name, e, signing.now), signing);
}

const now = new Date('2026-01-01T00:00:00Z');
const entry = (checksum: string) => ({ version: '1.0.0', description: 'x', download_url: 'releases/download/x@1.0.0/x-1.0.0.tar.gz', checksum, size: 3, platforms: ['ubuntu-amd64'] });

describe('publisher-directory', () => {
  it('publishes a tag\'s files in one rename, keeps identical ones, refuses different ones, and adds missing ones', async () => {
    const src = await testdir({ 'a.tar.gz': 'one', 'b.tar.gz': 'two', 'c.json': '{}' });
    const dir = await testdir();
    const file = async (name: string, from: string) => ({ name, path: join(src, from), sha256: (await sha256File(join(src, from))).sha256 });
    const one = await file('x-1.0.0.tar.gz', 'a.tar.gz');
    expect(await publishFiles(dir, 'x@1.0.0', [one], { record: { name: 'release.json', content: '{"commit":"c"}\n' } })).toBe('published');
    expect((await readdir(join(dir, releasePath('x@1.0.0')))).sort()).toEqual(['release.json', 'x-1.0.0.tar.gz']);
    expect(await publishFiles(dir, 'x@1.0.0', [one])).toBe('unchanged');
    const two = await file('x-1.0.0.tar.gz', 'b.tar.gz');
    await expect(publishFiles(dir, 'x@1.0.0', [two])).rejects.toThrow(UserError);
    expect(await readFile(join(dir, releasePath('x@1.0.0', 'x-1.0.0.tar.gz')), 'utf8')).toBe('one');
    // A file published later (e.g. an SBOM) is added next to identical ones, never replacing.
    expect(await publishFiles(dir, 'x@1.0.0', [one, await file('x.cdx.json', 'c.json')])).toBe('completed');
    expect(await readFile(join(dir, releasePath('x@1.0.0', 'x.cdx.json')), 'utf8')).toBe('{}');
    // Rolling tags replace the whole folder.
    expect(await publishFiles(dir, 'x@1.0.0', [two], { replace: true })).toBe('replaced');
    expect(await readdir(join(dir, releasePath('x@1.0.0')))).toEqual(['x-1.0.0.tar.gz']);
    expect((await readdir(join(dir, 'releases', 'download'))).sort()).toEqual(['x@1.0.0']);
  });

  it('of two concurrent publications of one tag with different bytes, exactly one wins', async () => {
    const src = await testdir({ 'a': 'one', 'b': 'two' });
    const dir = await testdir();
    const attempts = await Promise.allSettled(['a', 'b', 'a', 'b'].map(async (from) =>
      publishFiles(dir, 'x@1.0.0', [{ name: 'x.tar.gz', path: join(src, from), sha256: (await sha256File(join(src, from))).sha256 }])));
    const stored = await readFile(join(dir, releasePath('x@1.0.0', 'x.tar.gz')), 'utf8');
    const winner = stored === 'one' ? [0, 2] : [1, 3];
    for (const [i, attempt] of attempts.entries()) {
      if (winner.includes(i)) expect(attempt.status).toBe('fulfilled');
      else expect(attempt).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/different content \(x\.tar\.gz\)/) } });
    }
    expect(await readdir(join(dir, 'releases', 'download'))).toEqual(['x@1.0.0']);
  });

  it('a registry folder below a file is a user error naming the path', async () => {
    const dir = await testdir({ file: 'x' });
    const src = await testdir({ a: 'one' });
    await expect(publishFiles(join(dir, 'file', 'reg'), 'x@1.0.0', [{ name: 'a', path: join(src, 'a'), sha256: (await sha256File(join(src, 'a'))).sha256 }]))
      .rejects.toThrow(/a part of the path is a file, not a folder \(ENOTDIR/);
  });

  it('never writes an entry whose file is missing', async () => {
    const dir = await testdir();
    await expect(addToDirectoryRegistry(dir, 'x', entry(`sha256:${'a'.repeat(64)}`), [releasePath('x@1.0.0', 'x-1.0.0.tar.gz')], { key: undefined, now })).rejects.toThrow(/is missing/);
  });

  it('refuses to rewrite a registry holding an invalid entry, leaving the file as it was', async () => {
    const dir = await testdir({ 'releases/download/x@1.0.0/x-1.0.0.tar.gz': 'one' });
    const broken = `${JSON.stringify({ version: '1', updated_at: '2025-01-01T00:00:00Z', runtimes: { old: { '0.1.0': { ...entry('md5:x'), version: '0.1.0' } } } }, null, 2)}\n`;
    await writeFile(join(dir, 'registry.json'), broken);
    await expect(addToDirectoryRegistry(dir, 'x', entry(`sha256:${'a'.repeat(64)}`), ['releases/download/x@1.0.0/x-1.0.0.tar.gz'], { key: undefined, now }))
      .rejects.toThrow(/1 invalid entry; refusing to rewrite it/);
    expect(await readFile(join(dir, 'registry.json'), 'utf8')).toBe(broken);
  });
});

describe('updateDirectoryRegistry', () => {
  it('signs every write over exactly the bytes written, repairs a torn signature, and never writes a signed index unsigned', async () => {
    const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'release');
    const dir = await testdir({ 'releases/download/x@1.0.0/x-1.0.0.tar.gz': 'one' });
    const signing = { key, now };
    expect(await addToDirectoryRegistry(dir, 'x', entry(`sha256:${'a'.repeat(64)}`), ['releases/download/x@1.0.0/x-1.0.0.tar.gz'], signing)).toBe('added');
    const check = async () => checkIndex({
      bytes: await readFile(join(dir, 'registry.json')), signature: await readFile(join(dir, 'registry.json.sig'), 'utf8'), pinnedKeys: [key.publicKey], now,
    });
    expect(await check()).toMatchObject({ ok: true, serial: 1 });
    // Unchanged and still matching: nothing is written.
    const before = await readFile(join(dir, 'registry.json'), 'utf8');
    expect(await addToDirectoryRegistry(dir, 'x', entry(`sha256:${'a'.repeat(64)}`), [], signing)).toBe('unchanged');
    expect(await readFile(join(dir, 'registry.json'), 'utf8')).toBe(before);
    // A crash between the two writes left a signature of other bytes: the next write repairs it.
    await writeFile(join(dir, 'registry.json.sig'), 'torn');
    expect(await addToDirectoryRegistry(dir, 'x', entry(`sha256:${'a'.repeat(64)}`), [], signing)).toBe('resigned');
    expect(await check()).toMatchObject({ ok: true, serial: 2 });
    const signed = await readFile(join(dir, 'registry.json'), 'utf8');
    await expect(updateDirectoryRegistry(dir, (r) => ({ registry: { ...r, extra: 1 }, outcome: 'edited' }), { key: undefined, now }))
      .rejects.toThrow(/registry.json is signed, but no signing key is configured/);
    expect(await readFile(join(dir, 'registry.json'), 'utf8')).toBe(signed);
  });
});
