import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { hostPlatform } from '@runway/runtime-client';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger } from '@runway/release-policy';
import { normalizeReleasePolicy } from '../policy/policy-config';
import { releaseProject } from '../release-project';
import { releaseUmbrella } from '../umbrella/release-umbrella';
import { gitWorkspace } from '../testing/fixtures';
import { execa } from 'execa';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import { deprecateRelease } from './deprecate-release';
import { releaseTwoVersions } from './testing/release-two-versions';

/** A runtime this host can install (its platform listed, with its setup script). */
async function alphaFiles(version: string) {
  const platform = await hostPlatform();
  return {
    'runtimes/alpha/manifest.yaml': `name: alpha\nversion: ${version}\ndescription: "alpha"\nplatforms:\n  - ${platform}\n`,
    'runtimes/alpha/setup.sh': { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
    [`runtimes/alpha/setup-${platform}.sh`]: { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  };
}

/** The real client, with a private HOME, cache and config. */
function runway(args: string[], home: string) {
  return execa(join(REPO_ROOT, 'node_modules/.bin/runway'), args, {
    reject: false, extendEnv: false,
    env: { HOME: home, RUNWAY_CACHE_DIR: join(home, 'cache'), RUNWAY_CONFIG: join(home, 'registries.yaml'), CI: '1', PATH: process.env.PATH },
  });
}

describe('runway deprecate on the directory registry', () => {
  it('marks the entry and banners the notes, nothing deleted; @latest moves back, an exact pin still installs with the reason; a re-run changes nothing', async () => {
    const { root, dir, target } = await releaseTwoVersions(await alphaFiles('1.0.0'), 'runtimes/alpha', '1.0.0', '1.1.0');
    const registryPath = join(dir, 'registry.json');
    const notesPath = join(dir, 'releases/download/alpha@1.1.0/NOTES.md');
    const before = await readFile(registryPath, 'utf8');

    const request = { target: 'alpha@1.1.0', use: '1.0.0', reason: 'crashes on start with glibc < 2.36' };
    const run = (dryRun: boolean) => deprecateRelease({ workspaceRoot: root, target, request, dryRun, env: {}, logger: memoryLogger() });
    await expect(run(true)).resolves.toMatchObject({ status: 'planned', entries: ['alpha@1.1.0'], notes: ['alpha@1.1.0'] });
    expect(await readFile(registryPath, 'utf8')).toBe(before);
    await expect(readFile(notesPath, 'utf8')).rejects.toThrow(/ENOENT/);

    await expect(run(false)).resolves.toMatchObject({ status: 'deprecated', version: '1.1.0', replacement: '1.0.0' });
    const registry = JSON.parse(await readFile(registryPath, 'utf8'));
    expect(registry.runtimes.alpha['1.1.0'].deprecated).toMatchObject({ reason: request.reason, use: '1.0.0' });
    expect(Object.keys(registry.runtimes.alpha).sort()).toEqual(['1.0.0', '1.1.0']);
    const notes = await readFile(notesPath, 'utf8');
    expect(notes).toMatch(/^<!-- runway:deprecated -->\n## ⚠️ Deprecated\n\nThis release is deprecated: crashes on start with glibc < 2\.36\n\nUse `alpha@1\.0\.0` instead\./);
    // The release's files are untouched.
    expect(await readFile(join(dir, 'releases/download/alpha@1.1.0/alpha-1.1.0.tar.gz'))).toBeTruthy();

    const after = await readFile(registryPath, 'utf8');
    await expect(run(false)).resolves.toMatchObject({ status: 'already-deprecated', entries: [], notes: [] });
    expect(await readFile(registryPath, 'utf8')).toBe(after);
    expect(await readFile(notesPath, 'utf8')).toBe(notes);

    // The client: @latest is 1.0.0 now; the exact pin still installs, saying why and what to use.
    const home = await testdir();
    const installDir = join(home, 'rt');
    const latest = await runway(['runtime', 'install', 'alpha', '--registry', registryPath, '--dir', installDir], home);
    expect(latest.exitCode, latest.stderr).toBe(0);
    expect(latest.stdout).toContain('installed alpha@1.0.0');
    const pinned = await runway(['runtime', 'install', 'alpha@1.1.0', '--registry', registryPath, '--dir', installDir], home);
    expect(pinned.exitCode, pinned.stderr).toBe(0);
    expect(pinned.stdout).toContain('installed alpha@1.1.0');
    expect(pinned.stderr).toContain('alpha@1.1.0 is deprecated: crashes on start with glibc < 2.36; use 1.0.0');
  }, 400_000); // two real releases and two installs; slow on a loaded 2-core machine

  it('refuses a replacement that is not published, changing nothing', async () => {
    const { root } = await gitWorkspace(await alphaFiles('1.0.0'));
    const target = { kind: 'directory' as const, dir: join(root, 'dist/registry') };
    await releaseProject({ workspaceRoot: root, projectRoot: 'runtimes/alpha', target, dryRun: false, env: {}, logger: memoryLogger(), renderer: 'silent' });
    const before = await readFile(join(root, 'dist/registry/registry.json'), 'utf8');
    await expect(deprecateRelease({ workspaceRoot: root, target, request: { target: 'alpha@1.0.0', use: '0.9.0', reason: 'x' }, dryRun: false, env: {}, logger: memoryLogger() }))
      .rejects.toThrow(/cannot point alpha@1\.0\.0 users to 0\.9\.0: alpha@0\.9\.0 is not published/);
    expect(await readFile(join(root, 'dist/registry/registry.json'), 'utf8')).toBe(before);
  }, 200_000);

  it('vX.Y.Z deprecates every project of that umbrella release (its umbrella.json) and banners the umbrella notes too', async () => {
    const { root } = await gitWorkspace(await alphaFiles('1.0.0'));
    const dir = join(root, 'dist/registry');
    const target = { kind: 'directory' as const, dir };
    const umbrella = (tag: string) => releaseUmbrella({
      workspaceRoot: root, projects: [{ root: 'runtimes/alpha' }], trigger: umbrellaTrigger(undefined, tag), overridableTags: DEFAULT_OVERRIDABLE_TAGS,
      dryRun: false, target, env: {}, renderer: 'silent', logger: memoryLogger(),
      policy: normalizeReleasePolicy({ changelog: { scope: 'none' }, signedTags: { stable: 'optional' } }),
    });
    await expect(umbrella('v1.0.0')).resolves.toMatchObject({ status: 'released' });
    await expect(umbrella('v1.1.0')).resolves.toMatchObject({ status: 'released' });
    await expect(deprecateRelease({ workspaceRoot: root, target, request: { target: 'v1.1.0', use: 'v1.0.0', reason: 'bad build' }, dryRun: false, env: {}, logger: memoryLogger() }))
      .resolves.toMatchObject({ status: 'deprecated', entries: ['alpha@1.1.0'], notes: expect.arrayContaining(['v1.1.0', 'alpha@1.1.0']) });
    const registry = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8'));
    expect(registry.runtimes.alpha['1.1.0'].deprecated).toMatchObject({ reason: 'bad build', use: '1.0.0' });
    expect(await readFile(join(dir, 'releases/download/v1.1.0/NOTES.md'), 'utf8')).toContain('This release is deprecated: bad build');
    await expect(deprecateRelease({ workspaceRoot: root, target, request: { target: 'v2.0.0', use: 'v1.0.0', reason: 'x' }, dryRun: false, env: {}, logger: memoryLogger() }))
      .rejects.toThrow('the umbrella release v2.0.0 is not published (no readable umbrella.json)');
  }, 400_000);
});
