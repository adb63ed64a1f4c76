import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { nxWorkspace } from '@runway/test-utils';
import { addBareOrigin, nxRelease } from './nx-release-workspace';

const files = {
  'runtimes/py/manifest.yaml': 'name: py\nversion: 1.0.0\ndescription: test runtime\nplatforms: [ubuntu-amd64]\n',
  'runtimes/py/setup.sh': { content: '#!/bin/sh\necho setup\n', mode: 0o755 },
  'runtimes/py/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
};

describe('nx release publish (real nx, real git, directory target)', () => {
  it('publishes the bumped version through the same publisher as the release target, and a re-run is a no-op', async () => {
    const ws = await nxWorkspace(files);
    const origin = await addBareOrigin(ws);
    const env = { GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined, GITHUB_REF: undefined, SOURCE_DATE_EPOCH: '1700000000' };

    const version = await nxRelease(ws, ['patch', '-p', 'py', '--skip-publish'], env);
    expect(version.exitCode, String(version.all)).toBe(0);

    // Not pushed yet: the release commit is not on origin, so publishing refuses before any change.
    const early = await nxRelease(ws, ['publish', '-p', 'py'], env);
    expect(early.exitCode).not.toBe(0);
    expect(String(early.all)).toMatch(/commit [0-9a-f]{12} is not on origin/);
    await expect(stat(join(ws.dir, 'dist/registry'))).rejects.toThrow(/ENOENT/);

    await ws.git(['push', '-q', '--follow-tags', 'origin', 'main']);
    const publish = await nxRelease(ws, ['publish', '-p', 'py'], env);
    expect(publish.exitCode, String(publish.all)).toBe(0);
    // The version's tag, made by nx release and pushed, names the commit that was built.
    const built = JSON.parse(await readFile(join(ws.dir, 'dist/registry/releases/download/py@1.0.1/release.json'), 'utf8')).commit;
    expect(built).toBe((await ws.git(['rev-parse', 'HEAD'])).stdout);
    expect((await execa('git', ['rev-parse', 'py@1.0.1^{commit}'], { cwd: origin })).stdout).toBe(built);
    const registry = JSON.parse(await readFile(join(ws.dir, 'dist/registry/registry.json'), 'utf8'));
    expect(Object.keys(registry.runtimes.py)).toEqual(['1.0.1']);
    expect(registry.runtimes.py['1.0.1'].checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    const tarball = join(ws.dir, 'dist/registry/releases/download/py@1.0.1/py-1.0.1.tar.gz');
    expect((await stat(tarball)).size).toBe(registry.runtimes.py['1.0.1'].size);

    const again = await nxRelease(ws, ['publish', '-p', 'py'], env);
    expect(again.exitCode, String(again.all)).toBe(0);
    expect(String(again.all)).toContain('already-released');
    expect(JSON.parse(await readFile(join(ws.dir, 'dist/registry/registry.json'), 'utf8'))).toEqual(registry);
  });

  it('--dry-run publishes nothing', async () => {
    const ws = await nxWorkspace(files);
    const run = await nxRelease(ws, ['publish', '-p', 'py', '--dry-run'], { GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined, GITHUB_REF: undefined });
    expect(run.exitCode, String(run.all)).toBe(0);
    expect(String(run.all)).toContain('py@1.0.0');
    await expect(stat(join(ws.dir, 'dist/registry'))).rejects.toThrow(/ENOENT/);
  });
});
