import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { debFileName } from './check-lock';
import { stageCachedDebs, verifyAndCacheDebs } from './deb-cache';
import type { LockedPackage } from './types';

const locked = (name: string, content: string): LockedPackage => ({
  name, version: '1:1.0-1', architecture: 'amd64', sha256: createHash('sha256').update(content).digest('hex'), size: content.length,
});

describe('.deb cache', () => {
  it('stages matching entries, deletes corrupt ones, counts what apt must download', async () => {
    const good = locked('good', 'good deb');
    const bad = locked('bad', 'bad deb');
    const absent = locked('absent', 'x');
    const cache = await testdir({ [debFileName(good)]: 'good deb', [debFileName(bad)]: 'tampered' });
    const stage = join(await testdir(), 'in');
    const staged = await stageCachedDebs(cache, [good, bad, absent], stage);
    expect({ hits: staged.hits, misses: staged.misses, discarded: staged.discarded, cached: [...staged.cached] })
      .toEqual({ hits: 1, misses: 2, discarded: ['bad_1%3a1.0-1_amd64.deb'], cached: ['good_1%3a1.0-1_amd64.deb'] });
    expect(await readdir(stage)).toEqual(['good_1%3a1.0-1_amd64.deb']);
    expect(await readdir(cache)).toEqual(['good_1%3a1.0-1_amd64.deb']);
  });

  it('after a build: accepts exactly the locked bytes and caches them', async () => {
    const pkg = locked('p', 'locked bytes');
    const used = await testdir({ [debFileName(pkg)]: 'locked bytes' });
    const cache = join(await testdir(), 'cache');
    await verifyAndCacheDebs(used, [pkg], cache);
    expect(await readFile(join(cache, debFileName(pkg)), 'utf8')).toBe('locked bytes');
  });

  it('after a build: names the package whose bytes differ from the lock, with both digests, and caches only good ones', async () => {
    const pkg = locked('libfoo1', 'locked bytes');
    const fine = locked('fine', 'fine');
    const used = await testdir({ [debFileName(pkg)]: 'other bytes!', [debFileName(fine)]: 'fine' });
    const cache = join(await testdir(), 'cache');
    const err = await verifyAndCacheDebs(used, [pkg, fine], cache).catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toContain(`libfoo1=1:1.0-1 (amd64): the mirror served sha256 ${createHash('sha256').update('other bytes!').digest('hex')} (12 bytes), the lock says ${pkg.sha256} (12 bytes)`);
    expect(err.hint).toContain('bump the runtime version');
    expect(await readdir(cache)).toEqual([debFileName(fine)]);
  });

  it('after a build: a locked package with no .deb is an error too', async () => {
    const err = await verifyAndCacheDebs(await testdir(), [locked('ghost', 'x')], join(await testdir(), 'c')).catch((e) => e);
    expect(err.message).toContain('ghost=1:1.0-1: apt left no ghost_1%3a1.0-1_amd64.deb behind');
  });

  it('does not copy again what was already cached', async () => {
    const pkg = locked('p', 'bytes');
    const cache = await testdir({ [debFileName(pkg)]: 'bytes' });
    const before = (await stat(join(cache, debFileName(pkg)))).ino;
    const used = await testdir({ [debFileName(pkg)]: 'bytes' });
    await verifyAndCacheDebs(used, [pkg], cache, new Set([debFileName(pkg)]));
    expect((await stat(join(cache, debFileName(pkg)))).ino).toBe(before);
  });
});
