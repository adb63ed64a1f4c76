import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import { EnvironmentCache, environmentCacheKey, type EnvironmentKeyInput } from './build-cache';
import { definitionFromManifest } from './environment-definition';
import { readLock, readRuntimeManifest } from './lock-file';

const TINY = join(REPO_ROOT, 'packages/debian-env/src/testing/tiny-runtime');

async function keyInput(): Promise<EnvironmentKeyInput> {
  return { definition: definitionFromManifest(await readRuntimeManifest(TINY)), lock: await readLock(TINY), platform: 'debian-amd64', sourceDateEpoch: 315_532_800 };
}

describe('the build cache of finished environments', () => {
  it('keys by everything that decides the bytes: definition, lock, sources, SOURCE_DATE_EPOCH', async () => {
    const base = await keyInput();
    const key = await environmentCacheKey(base);
    expect(key).toMatch(/^tiny-env-1\.0\.0-debian-amd64-[0-9a-f]{32}$/);
    expect(await environmentCacheKey(await keyInput())).toBe(key);
    const packages = base.lock.platforms['debian-amd64'].packages;
    const variants: EnvironmentKeyInput[] = [
      { ...base, sourceDateEpoch: 1_700_000_000 },
      { ...base, definition: { ...base.definition, smoke: ['true'] } },
      { ...base, definition: { ...base.definition, environment: { A: '1' } } },
      { ...base, sources: [{ uri: 'http://snapshot.debian.org/archive/debian/20260711T101637Z', suite: 'bookworm', components: ['main'] }] },
      { ...base, lock: { ...base.lock, platforms: { 'debian-amd64': { ...base.lock.platforms['debian-amd64'], packages: [{ ...packages[0], sha256: '0'.repeat(64) }, ...packages.slice(1)] } } } },
      { ...base, hashFiles: true },
    ];
    const keys = await Promise.all(variants.map(environmentCacheKey));
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
  });

  it('gives back a kept tarball only after checking its sha256 and size, and drops a damaged entry', async () => {
    const dir = await testdir();
    const cache = new EnvironmentCache(join(dir, 'cache'));
    const bytes = Buffer.from('an environment tarball');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(dir, 'built.tar.gz'), bytes);
    expect(await cache.restore('k', join(dir, 'out.tar.gz'))).toBeUndefined();

    const entry = { fileName: 'x-1.0.0-debian-amd64.tar.gz', sha256, size: bytes.length, smoke: { command: ['true'], stdout: 'ok\n', stderr: '' } };
    await cache.exclusive('k', () => cache.store('k', join(dir, 'built.tar.gz'), entry));
    expect(await cache.exclusive('k', () => cache.restore('k', join(dir, 'out.tar.gz')))).toEqual(entry);
    expect(await readFile(join(dir, 'out.tar.gz'))).toEqual(bytes);

    // Other bytes under the key: not handed out, the entry is removed, nothing is left at the output path.
    await writeFile(join(dir, 'cache', 'k', entry.fileName), 'tampered!!!!!!!!!!!!!!');
    expect(await cache.restore('k', join(dir, 'again.tar.gz'))).toBeUndefined();
    expect((await readdir(join(dir, 'cache'))).sort()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['built.tar.gz', 'cache', 'out.tar.gz']);
  });
});
