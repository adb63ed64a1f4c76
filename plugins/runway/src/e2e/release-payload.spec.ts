import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nxWorkspace } from '@runway/test-utils';

/** No GitHub settings: the release goes to the embedded directory target. */
const NO_GITHUB = { GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_TOKEN: undefined, GITHUB_REF: undefined, RUNWAY_REGISTRY_DIR: undefined, RUNWAY_BASE_URL: undefined, CI: 'true' };

describe('nx run-many -t release with a runtime and a payload (directory target)', () => {
  it('releases both into their registry sections from fresh packs, and a re-run is byte-identical', async () => {
    const ws = await nxWorkspace({
      'runtimes/alpha/manifest.yaml': 'name: alpha\nversion: 1.0.0\ndescription: "alpha"\nplatforms:\n  - ubuntu-amd64\n',
      'runtimes/alpha/setup.sh': { content: '#!/bin/sh\necho alpha\n', mode: 0o755 },
      'runtimes/alpha/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
      'payloads/web/manifest.yaml': 'name: web\nversion: 0.2.0\ndescription: "web payload"\n',
      'payloads/web/Dockerfile': 'FROM scratch\nCOPY rootfs/ /\n',
      'payloads/web/rootfs/etc/web.conf': 'port=8080\n',
    });
    // A stale dist/ tarball of the same version with a matching .sha256 must not be published.
    const stale = Buffer.from('stale build of other content');
    const staleSha = createHash('sha256').update(stale).digest('hex');
    await mkdir(join(ws.dir, 'dist', 'runtimes', 'alpha'), { recursive: true });
    await writeFile(join(ws.dir, 'dist', 'runtimes', 'alpha', 'alpha-1.0.0.tar.gz'), stale);
    await writeFile(join(ws.dir, 'dist', 'runtimes', 'alpha', 'alpha-1.0.0.tar.gz.sha256'), `${staleSha}  alpha-1.0.0.tar.gz\n`);

    const first = await ws.nx(['run-many', '-t', 'release'], NO_GITHUB);
    expect(first.exitCode, first.all).toBe(0);
    expect(first.all).not.toMatch(/:build\b/);
    const registryPath = join(ws.dir, 'dist', 'registry', 'registry.json');
    const text = await readFile(registryPath, 'utf8');
    const registry = JSON.parse(text);
    expect(Object.keys(registry.runtimes)).toEqual(['alpha']);
    expect(registry.runtimes.alpha['1.0.0'].checksum).not.toBe(`sha256:${staleSha}`);
    expect(Object.keys(registry.payloads)).toEqual(['web']);
    expect(registry.payloads.web['0.2.0']).toMatchObject({ download_url: 'releases/download/web@0.2.0/web-0.2.0.tar.gz', sbom_url: 'releases/download/web@0.2.0/web-0.2.0.cdx.json', platforms: [] });
    expect((await readdir(join(ws.dir, 'dist', 'registry', 'releases', 'download'))).sort()).toEqual(['alpha@1.0.0', 'web@0.2.0']);

    const second = await ws.nx(['run-many', '-t', 'release'], NO_GITHUB);
    expect(second.exitCode, second.all).toBe(0);
    expect(second.all).toContain('web@0.2.0: already-released');
    expect(await readFile(registryPath, 'utf8')).toBe(text);

    // The consumer CLI lists only runtimes: the payload is never offered as installable.
    const list = await ws.runway(['runtime', 'list', '--registry', join(ws.dir, 'dist', 'registry'), '--json']);
    expect(list.exitCode, list.all).toBe(0);
    expect(list.stdout).toContain('alpha');
    expect(list.stdout).not.toContain('web');
  }, 240_000);
});
