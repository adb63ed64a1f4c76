import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '@runway/file-hash';
import { testdir } from '@runway/test-utils';
import { debFileName } from './check-lock';
import { parseLock } from './lock-format';
import { diffPackages, refreshLock } from './refresh-lock';
import { BUILD_TIMEOUT_MS, SKIP_REAL_BUILDS } from './testing/real-builds';

const manifest = (packages: string) => `name: hello-rt\nversion: 1.0.0\nplatforms: [debian-arm64]\nsmoke: hello\ndebian:\n  suite: bookworm\n  packages: [${packages}]\n`;

describe.skipIf(SKIP_REAL_BUILDS)('refreshLock (real mmdebstrap and apt, nothing run)', () => {
  it('resolves debian-arm64 on any machine, records sha256 of every .deb, and a second refresh changes nothing', async () => {
    const root = await testdir({ 'hello-rt/manifest.yaml': manifest('hello') });
    const cacheDir = await testdir();
    const started = Date.now();
    const first = await refreshLock({ projectDir: join(root, 'hello-rt'), cacheDir, workDir: await testdir() });
    console.info(`[lock time] hello debian-arm64: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(first.status).toBe('written');
    const text = await readFile(join(root, 'hello-rt/debian.lock.json'), 'utf8');
    const lock = parseLock(text);
    expect(lock).toMatchObject({ version: 1, kind: 'debian-lock', suite: 'bookworm', request: ['hello'] });
    expect(lock.sources.map((s) => s.suite)).toEqual(['bookworm', 'bookworm-updates', 'bookworm-security']);
    const arm = lock.platforms['debian-arm64'];
    expect(arm.architecture).toBe('arm64');
    expect(Object.keys(arm.snapshot)).toContain('bookworm');
    const names = arm.packages.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['hello', 'libc6', 'dpkg', 'base-files', 'bash']));
    expect(new Set(arm.packages.map((p) => p.architecture))).toEqual(new Set(['arm64', 'all']));
    for (const pkg of arm.packages) expect(await sha256File(join(cacheDir, debFileName(pkg)))).toEqual({ sha256: pkg.sha256, size: pkg.size });
    expect(first.changes).toEqual([expect.objectContaining({ platform: 'debian-arm64', removed: [], changed: [] })]);

    const mtime = (await stat(join(root, 'hello-rt/debian.lock.json'))).mtimeMs;
    const second = await refreshLock({ projectDir: join(root, 'hello-rt'), cacheDir, workDir: await testdir() });
    expect(second.status).toBe('unchanged');
    expect(second.changes).toEqual([{ platform: 'debian-arm64', added: [], removed: [], changed: [] }]);
    expect(await readFile(join(root, 'hello-rt/debian.lock.json'), 'utf8')).toBe(text);
    expect((await stat(join(root, 'hello-rt/debian.lock.json'))).mtimeMs).toBe(mtime);
  }, BUILD_TIMEOUT_MS);

  it('names a package the suite does not have', async () => {
    const root = await testdir({ 'bad-rt/manifest.yaml': manifest('hello, no-such-package-runway').replace('hello-rt', 'bad-rt') });
    const err = await refreshLock({ projectDir: join(root, 'bad-rt'), cacheDir: await testdir(), workDir: await testdir() }).catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toContain('bookworm (arm64) has no package no-such-package-runway');
    expect(err.hint).toContain('debian.packages');
  }, BUILD_TIMEOUT_MS);
});

describe('lock changes', () => {
  const p = (name: string, version: string) => ({ name, version, architecture: 'amd64', sha256: '0'.repeat(64), size: 1 });
  it('lists added, removed and changed packages', () => {
    expect(diffPackages('debian-amd64', [p('a1', '1'), p('b1', '1'), p('c1', '1')], [p('a1', '1'), p('c1', '2'), p('d1', '1')])).toEqual({
      platform: 'debian-amd64', added: ['d1'], removed: ['b1'], changed: ['c1 1 → 2'],
    });
  });
});
