import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nxWorkspace, REPO_ROOT } from '@runway/test-utils';

const NO_GITHUB = { GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_REF: undefined, SOURCE_DATE_EPOCH: '1700000000' };

const runtime = (name: string, version: string, setup = '#!/bin/sh\n') => ({
  [`runtimes/${name}/manifest.yaml`]: `# ${name} runtime\nname: ${name}\nversion: ${version}\ndescription: test\nplatforms: [ubuntu-amd64]\n`,
  [`runtimes/${name}/setup.sh`]: { content: setup, mode: 0o755 },
  [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
});

const payload = (name: string, version: string) => ({
  [`payloads/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: test image\n`,
  [`payloads/${name}/Dockerfile`]: 'FROM scratch\n',
});

/** A workspace with two runtimes, a payload and the repository's real root project.json (the umbrella target). */
async function workspace() {
  const rootProject = await readFile(join(REPO_ROOT, 'project.json'), 'utf8');
  return nxWorkspace({ 'project.json': rootProject, ...runtime('py', '1.0.0'), ...runtime('node', '1.2.0'), ...payload('img', '0.3.0') });
}

const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8');

describe('umbrella release into the directory registry (real nx)', () => {
  it('vX.Y.Z sets every manifest to X.Y.Z, releases all, and writes one umbrella.json listing every package', async () => {
    const ws = await workspace();
    const run = await ws.nx(['run', 'runway:release', '--tag=v2.0.0'], NO_GITHUB);
    expect(run.exitCode, String(run.all)).toBe(0);

    expect(await read(ws.dir, 'runtimes/py/manifest.yaml')).toBe('# py runtime\nname: py\nversion: 2.0.0\ndescription: test\nplatforms: [ubuntu-amd64]\n');
    const registry = JSON.parse(await read(ws.dir, 'dist/registry/registry.json'));
    expect(Object.keys(registry.runtimes).sort()).toEqual(['node', 'py']);
    expect(Object.keys(registry.runtimes.py)).toEqual(['2.0.0']);
    expect(Object.keys(registry.payloads.img)).toEqual(['2.0.0']);

    const umbrella = JSON.parse(await read(ws.dir, 'dist/registry/releases/download/v2.0.0/umbrella.json'));
    expect(umbrella).toMatchObject({ version: 1, kind: 'runway-umbrella', tag: 'v2.0.0', commit: (await ws.git(['rev-parse', 'HEAD'])).stdout });
    expect(umbrella.packages.map((p: { tag: string }) => p.tag)).toEqual(['img@2.0.0', 'node@2.0.0', 'py@2.0.0']);
    expect(umbrella.packages[2].checksum).toBe(registry.runtimes.py['2.0.0'].checksum);
    expect(umbrella.packages[0].checksum).toBe(registry.payloads.img['2.0.0'].checksum);

    const again = await ws.nx(['run', 'runway:release', '--tag=v2.0.0'], NO_GITHUB);
    expect(again.exitCode, String(again.all)).toBe(0);
    expect(JSON.parse(await read(ws.dir, 'dist/registry/releases/download/v2.0.0/umbrella.json'))).toEqual(umbrella);
  });

  it('without an umbrella ref the root target does nothing, so run-many does not release twice', async () => {
    const ws = await workspace();
    const run = await ws.nx(['run', 'runway:release'], { ...NO_GITHUB, GITHUB_REF: 'refs/heads/main' });
    expect(run.exitCode, String(run.all)).toBe(0);
    expect(String(run.all)).toContain('no umbrella trigger (branch main is not a releases/<a>/<b> branch): nothing to do');
    expect((await ws.git(['status', '--porcelain'])).stdout).toBe('');
  });

  it('--dry-run prints the whole plan and changes nothing', async () => {
    const ws = await workspace();
    const run = await ws.nx(['run', 'runway:release', '--tag=v2.0.0', '--dryRun'], NO_GITHUB);
    expect(run.exitCode, String(run.all)).toBe(0);
    expect(String(run.all)).toContain('every manifest set to 2.0.0');
    expect(String(run.all)).toMatch(/\| py \| 2\.0\.0 \| `[0-9a-f]{64}` \|/);
    expect((await ws.git(['status', '--porcelain'])).stdout).toBe('');
    await expect(read(ws.dir, 'dist/registry/registry.json')).rejects.toThrow(/ENOENT/);
  });

  it('is refused before any change when a <name>@X.Y.Z is already published with other content', async () => {
    const ws = await workspace();
    // py@2.0.0 was published earlier from other files; then the workspace is back at its commit,
    // with only the registry kept (as in a fresh CI checkout).
    await writeFile(join(ws.dir, 'runtimes/py/manifest.yaml'), (await read(ws.dir, 'runtimes/py/manifest.yaml')).replace('1.0.0', '2.0.0'));
    await writeFile(join(ws.dir, 'runtimes/py/setup.sh'), '#!/bin/sh\necho other\n');
    const earlier = await ws.nx(['run', 'py:release'], NO_GITHUB);
    expect(earlier.exitCode, String(earlier.all)).toBe(0);
    await ws.git(['checkout', '--', 'runtimes/py']);
    await rm(join(ws.dir, 'dist/runtimes'), { recursive: true, force: true });
    const registryWithPy2 = await read(ws.dir, 'dist/registry/registry.json');

    const run = await ws.nx(['run', 'runway:release', '--tag=v2.0.0', '--skip-nx-cache'], NO_GITHUB);
    expect(run.exitCode).not.toBe(0);
    expect(String(run.all)).toContain('umbrella v2.0.0 refused before changing anything: 1 project(s) cannot be released');
    expect(String(run.all)).toContain('runtimes/py');
    expect(await read(ws.dir, 'dist/registry/registry.json')).toBe(registryWithPy2);
    expect((await ws.git(['status', '--porcelain'])).stdout).toBe('');
    await expect(read(ws.dir, 'dist/registry/releases/download/v2.0.0/umbrella.json')).rejects.toThrow(/ENOENT/);
  });
});
