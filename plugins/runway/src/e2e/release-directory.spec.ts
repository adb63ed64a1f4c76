import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { nxWorkspace, type FixtureFile } from '@runway/test-utils';
import { addBareOrigin } from './nx-release-workspace';

function runtime(name: string, version = '1.0.0'): Record<string, FixtureFile> {
  return {
    [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: "${name}"\nplatforms:\n  - ubuntu-amd64\n`,
    [`runtimes/${name}/setup.sh`]: { content: `#!/bin/sh\necho ${name}\n`, mode: 0o755 },
    [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  };
}

/** No GitHub settings: the release goes to the embedded directory target. */
const NO_GITHUB = { GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_TOKEN: undefined, GITHUB_REF: undefined, RUNWAY_REGISTRY_DIR: undefined, RUNWAY_BASE_URL: undefined, CI: 'true' };

describe('nx run-many -t release (directory target)', () => {
  it('fills dist/registry, is byte-identical on re-run, refuses an edit without a version bump, and --dry-run changes nothing', async () => {
    const ws = await nxWorkspace({ ...runtime('alpha'), ...runtime('beta', '0.2.0'), ...runtime('gamma', '3.0.1') });
    const origin = await addBareOrigin(ws);
    const head = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const first = await ws.nx(['run-many', '-t', 'release'], NO_GITHUB);
    expect(first.exitCode, first.all).toBe(0);
    // Every release is tied to the commit built, which is the one on origin.
    for (const tag of ['alpha@1.0.0', 'beta@0.2.0', 'gamma@3.0.1']) expect((await ws.git(['rev-parse', `${tag}^{commit}`])).stdout).toBe(head);
    expect((await execa('git', ['rev-parse', 'main'], { cwd: origin })).stdout).toBe(head);
    const registryPath = join(ws.dir, 'dist', 'registry', 'registry.json');
    const registry = JSON.parse(await readFile(registryPath, 'utf8'));
    expect(Object.keys(registry.runtimes).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(registry.runtimes.beta['0.2.0'].download_url).toBe('releases/download/beta@0.2.0/beta-0.2.0.tar.gz');
    expect(registry.runtimes.beta['0.2.0'].sbom_url).toBe('releases/download/beta@0.2.0/beta-0.2.0.cdx.json');
    const sbomPath = join(ws.dir, 'dist', 'registry', registry.runtimes.beta['0.2.0'].sbom_url);
    const sbom = await readFile(sbomPath);
    expect(JSON.parse(sbom.toString()).metadata.component.hashes).toEqual([{ alg: 'SHA-256', content: registry.runtimes.beta['0.2.0'].checksum.slice('sha256:'.length) }]);
    expect((await readdir(join(ws.dir, 'dist', 'registry', 'releases', 'download'))).sort()).toEqual(['alpha@1.0.0', 'beta@0.2.0', 'gamma@3.0.1']);

    const bytes = await readFile(registryPath);
    const second = await ws.nx(['run-many', '-t', 'release'], NO_GITHUB);
    expect(second.exitCode, second.all).toBe(0);
    expect(second.all).toContain('already-released');
    expect(await readFile(registryPath)).toEqual(bytes);
    expect(await readFile(sbomPath)).toEqual(sbom);

    // Uncommitted, an edit is refused as a dirty tree (a dry run warns and plans the commit).
    await writeFile(join(ws.dir, 'runtimes', 'beta', 'setup.sh'), '#!/bin/sh\necho edited\n');
    const dirty = await ws.nx(['run', 'beta:release'], NO_GITHUB);
    expect(dirty.exitCode).toBe(1);
    expect(dirty.all).toContain(' M runtimes/beta/setup.sh');
    expect(dirty.all).not.toMatch(/\n\s+at /);
    const warned = await ws.nx(['run', 'beta:release', '--dry-run'], NO_GITHUB);
    expect(warned.exitCode, warned.all).toBe(0);
    expect(warned.all).toMatch(/warning: .*1 uncommitted change\(s\); this plan is for commit/);
    // Committed (and pushed), the same edit under the published version is refused.
    await ws.git(['commit', '-qam', 'edit beta']);
    await ws.git(['push', '-q', 'origin', 'main']);
    const dry = await ws.nx(['run', 'beta:release', '--dry-run'], NO_GITHUB);
    expect(dry.exitCode, dry.all).toBe(1);
    expect(dry.all).toMatch(/beta@0\.2\.0 is already released with different content/);
    const edited = await ws.nx(['run', 'beta:release'], NO_GITHUB);
    expect(edited.exitCode).toBe(1);
    expect(edited.all).toContain(registry.runtimes.beta['0.2.0'].checksum);
    expect(edited.all).toContain('bump "version" in runtimes/beta/manifest.yaml');
    expect(await readFile(registryPath)).toEqual(bytes);

    await writeFile(join(ws.dir, 'runtimes', 'beta', 'manifest.yaml'), 'name: beta\nversion: 0.2.1\ndescription: "beta"\nplatforms:\n  - ubuntu-amd64\n');
    await ws.git(['commit', '-qam', 'bump beta']);
    const plan = await ws.nx(['run', 'beta:release', '--dryRun'], NO_GITHUB);
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.all).toMatch(/beta-0\.2\.1\.tar\.gz {2}\d+ bytes {2}sha256:[0-9a-f]{64}/);
    expect(plan.all).toMatch(/beta-0\.2\.1\.cdx\.json {2}\d+ bytes {2}sha256:[0-9a-f]{64}/);
    expect(plan.all).toContain('+      "0.2.1": {');
    expect(await readFile(registryPath)).toEqual(bytes);
    expect(await readdir(join(ws.dir, 'dist', 'registry', 'releases', 'download'))).not.toContain('beta@0.2.1');
  }, 600_000);
});
