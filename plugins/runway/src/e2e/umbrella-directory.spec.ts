import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { nxWorkspace, REPO_ROOT } from '@runway/test-utils';
import { addBareOrigin, withoutReleasePolicy } from './nx-release-workspace';

const NO_GITHUB = { GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_REF: undefined, SOURCE_DATE_EPOCH: '1700000000' };

const PY_MANIFEST = '# py runtime\nname: py\nversion: 1.0.0\ndescription: test\nplatforms: [ubuntu-amd64]\n';

const runtime = (name: string, version: string, setup = '#!/bin/sh\n') => ({
  [`runtimes/${name}/manifest.yaml`]: `# ${name} runtime\nname: ${name}\nversion: ${version}\ndescription: test\nplatforms: [ubuntu-amd64]\n`,
  [`runtimes/${name}/setup.sh`]: { content: setup, mode: 0o755 },
  [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
});

const payload = (name: string, version: string) => ({
  [`payloads/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: test image\n`,
  [`payloads/${name}/Dockerfile`]: 'FROM scratch\n',
});

/** A workspace with two runtimes, a payload and the repository's real root project.json (the umbrella target), pushed to a bare origin. */
async function workspace() {
  const rootProject = withoutReleasePolicy(await readFile(join(REPO_ROOT, 'project.json'), 'utf8'));
  const ws = await nxWorkspace({ 'project.json': rootProject, ...runtime('py', '1.0.0'), ...runtime('node', '1.2.0'), ...payload('img', '0.3.0') });
  const origin = await addBareOrigin(ws);
  return { ws, origin };
}

const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8');

describe('umbrella release into the directory registry (real nx)', () => {
  it('vX.Y.Z releases every project from a release commit whose manifests say X.Y.Z, without touching the working tree', async () => {
    const { ws, origin } = await workspace();
    const head = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const run = await ws.nx(['run', 'runway:release', '--tag=v2.0.0'], NO_GITHUB);
    expect(run.exitCode, String(run.all)).toBe(0);

    // No manifest was rewritten on disk: the release commit was made with git plumbing.
    expect(await read(ws.dir, 'runtimes/py/manifest.yaml')).toBe(PY_MANIFEST);
    expect((await ws.git(['status', '--porcelain'])).stdout).toBe('');
    const registry = JSON.parse(await read(ws.dir, 'dist/registry/registry.json'));
    expect(Object.keys(registry.runtimes).sort()).toEqual(['node', 'py']);
    expect(Object.keys(registry.runtimes.py)).toEqual(['2.0.0']);
    expect(Object.keys(registry.payloads.img)).toEqual(['2.0.0']);

    const umbrella = JSON.parse(await read(ws.dir, 'dist/registry/releases/download/v2.0.0/umbrella.json'));
    expect(umbrella).toMatchObject({ version: 1, kind: 'runway-umbrella', tag: 'v2.0.0', commit: head });
    // Every per-project tag names the release commit: a child of the tagged commit (which is on
    // origin) holding every manifest at 2.0.0, byte for byte otherwise.
    const releaseCommit = umbrella.release_commit;
    expect(releaseCommit).not.toBe(head);
    for (const tag of ['img@2.0.0', 'node@2.0.0', 'py@2.0.0']) expect((await ws.git(['rev-parse', `${tag}^{commit}`])).stdout).toBe(releaseCommit);
    expect((await ws.git(['rev-parse', `${releaseCommit}^`])).stdout).toBe(head);
    expect((await execa('git', ['rev-parse', 'main'], { cwd: origin })).stdout).toBe(head);
    expect((await ws.git(['show', `${releaseCommit}:runtimes/py/manifest.yaml`])).stdout).toBe(PY_MANIFEST.replace('1.0.0', '2.0.0').trimEnd());
    expect((await ws.git(['diff', '--name-only', head, releaseCommit])).stdout.split('\n').sort()).toEqual(['payloads/img/manifest.yaml', 'runtimes/node/manifest.yaml', 'runtimes/py/manifest.yaml']);
    expect(umbrella.packages.map((p: { tag: string }) => p.tag)).toEqual(['img@2.0.0', 'node@2.0.0', 'py@2.0.0']);
    expect(umbrella.packages[2].checksum).toBe(registry.runtimes.py['2.0.0'].checksum);
    expect(umbrella.packages[0].checksum).toBe(registry.payloads.img['2.0.0'].checksum);

    // A re-run makes the same release commit and changes nothing.
    const again = await ws.nx(['run', 'runway:release', '--tag=v2.0.0'], NO_GITHUB);
    expect(again.exitCode, String(again.all)).toBe(0);
    expect(JSON.parse(await read(ws.dir, 'dist/registry/releases/download/v2.0.0/umbrella.json'))).toEqual(umbrella);
  });

  it('without an umbrella ref the root target does nothing, so run-many does not release twice', async () => {
    const { ws } = await workspace();
    const run = await ws.nx(['run', 'runway:release'], { ...NO_GITHUB, GITHUB_REF: 'refs/heads/main' });
    expect(run.exitCode, String(run.all)).toBe(0);
    expect(String(run.all)).toContain('no umbrella trigger (branch main is not a releases/<a>/<b> branch): nothing to do');
    expect((await ws.git(['status', '--porcelain'])).stdout).toBe('');
  });

  it('--dry-run prints the whole plan and changes no file and no ref', async () => {
    const { ws } = await workspace();
    const refs = (await ws.git(['for-each-ref'])).stdout;
    const run = await ws.nx(['run', 'runway:release', '--tag=v2.0.0', '--dryRun'], NO_GITHUB);
    expect(run.exitCode, String(run.all)).toBe(0);
    expect(String(run.all)).toContain('every manifest set to 2.0.0');
    expect(String(run.all)).toMatch(/\| py \| 2\.0\.0 \| `[0-9a-f]{64}` \|/);
    expect((await ws.git(['status', '--porcelain', '--ignored'])).stdout).toBe('!! .nx/\n!! node_modules');
    expect((await ws.git(['for-each-ref'])).stdout).toBe(refs);
    expect(await read(ws.dir, 'runtimes/py/manifest.yaml')).toBe(PY_MANIFEST);
  });

  it('is refused before any change when a <name>@X.Y.Z is already published with other content', async () => {
    const { ws } = await workspace();
    // py@2.0.0 was published earlier from other files (a commit since dropped), as in a CI
    // checkout that only kept the registry.
    await writeFile(join(ws.dir, 'runtimes/py/manifest.yaml'), PY_MANIFEST.replace('1.0.0', '2.0.0'));
    await writeFile(join(ws.dir, 'runtimes/py/setup.sh'), '#!/bin/sh\necho other\n');
    await ws.git(['commit', '-qam', 'other py 2.0.0']);
    await ws.git(['push', '-q', 'origin', 'HEAD:refs/heads/side']);
    const earlier = await ws.nx(['run', 'py:release'], NO_GITHUB);
    expect(earlier.exitCode, String(earlier.all)).toBe(0);
    await ws.git(['reset', '-q', '--hard', 'HEAD~1']);
    await ws.git(['tag', '-d', 'py@2.0.0']);
    const registryWithPy2 = await read(ws.dir, 'dist/registry/registry.json');
    const refs = (await ws.git(['for-each-ref'])).stdout;

    const run = await ws.nx(['run', 'runway:release', '--tag=v2.0.0', '--skip-nx-cache'], NO_GITHUB);
    expect(run.exitCode).not.toBe(0);
    expect(String(run.all)).toContain('umbrella v2.0.0 refused before changing anything: 1 project(s) cannot be released');
    expect(String(run.all)).toContain('runtimes/py');
    expect(String(run.all)).not.toMatch(/\n\s+at /);
    expect(await read(ws.dir, 'dist/registry/registry.json')).toBe(registryWithPy2);
    expect((await ws.git(['status', '--porcelain'])).stdout).toBe('');
    expect((await ws.git(['for-each-ref'])).stdout).toBe(refs);
    await expect(read(ws.dir, 'dist/registry/releases/download/v2.0.0/umbrella.json')).rejects.toThrow(/ENOENT/);
  });

  it('a tab-indented manifest on the umbrella path is a clear error with its position, exit 1, no stack trace', async () => {
    const { ws } = await workspace();
    await writeFile(join(ws.dir, 'runtimes/node/manifest.yaml'), 'name: node\nversion: 1.2.0\nplatforms:\n\t- ubuntu-amd64\n');
    await ws.git(['commit', '-qam', 'tabs']);
    await ws.git(['push', '-q', 'origin', 'main']);
    const run = await ws.nx(['run', 'runway:release', '--tag=v2.0.0'], NO_GITHUB);
    expect(run.exitCode).toBe(1);
    expect(run.all).toMatch(/runtimes\/node\/manifest\.yaml:\d+:\d+: malformed YAML/);
    expect(run.all).toContain("never tabs");
    expect(run.all).not.toMatch(/\n\s+at /);
    expect(run.all).not.toContain('internal error');
  });
});
