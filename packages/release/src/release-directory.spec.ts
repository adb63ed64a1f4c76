import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UserError } from '@runway/errors';
import { memoryLogger } from '@runway/log';
import { readSbomSubject } from '@runway/sbom';
import { testdir } from '@runway/test-utils';
import { releaseProject } from './release-project';
import { payloadFiles, runtimeFiles } from './testing/fixtures';
import type { ReleaseOptions } from './types';

const now = () => new Date('2026-03-04T05:06:07Z');

async function workspace() {
  return testdir({ ...runtimeFiles('alpha'), ...runtimeFiles('beta', '2.1.0') });
}

function options(root: string, overrides: Partial<ReleaseOptions> = {}): ReleaseOptions & { logger: ReturnType<typeof memoryLogger> } {
  return {
    workspaceRoot: root, projectRoot: 'runtimes/alpha', dryRun: false, env: {}, renderer: 'silent', now,
    target: { kind: 'directory', dir: join(root, 'dist', 'registry') },
    ...overrides,
    logger: memoryLogger(),
  };
}

async function treeHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true }).catch(() => [])).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      hash.update(p);
      if (e.isDirectory()) await walk(p);
      else hash.update(await readFile(p));
    }
  };
  await walk(dir);
  return hash.digest('hex');
}

describe('releaseProject into a directory', () => {
  it('publishes files and the SBOM, then the registry entry, and verifies the download', async () => {
    const root = await workspace();
    const opts = options(root);
    const outcome = await releaseProject(opts);
    expect(outcome).toMatchObject({ project: 'alpha', tag: 'alpha@1.0.0', status: 'released' });
    const dir = join(root, 'dist', 'registry');
    const files = await readdir(join(dir, 'releases', 'download', 'alpha@1.0.0'));
    expect(files.sort()).toEqual(['alpha-1.0.0.cdx.json', 'alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256']);
    const registry = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8'));
    expect(registry.runtimes.alpha['1.0.0']).toEqual({
      version: '1.0.0', description: 'alpha test runtime', download_url: 'releases/download/alpha@1.0.0/alpha-1.0.0.tar.gz',
      checksum: `sha256:${outcome.assets[0].sha256}`, size: outcome.assets[0].size, platforms: ['ubuntu-amd64'], published_at: '2026-03-04T05:06:07.000Z',
      sbom_url: 'releases/download/alpha@1.0.0/alpha-1.0.0.cdx.json',
    });
    const sbomText = await readFile(join(dir, registry.runtimes.alpha['1.0.0'].sbom_url), 'utf8');
    expect(readSbomSubject(sbomText)).toEqual({ subject: { name: 'alpha', version: '1.0.0', sha256: outcome.assets[0].sha256 } });
    expect(outcome.assets[2]).toMatchObject({ name: 'alpha-1.0.0.cdx.json', sha256: createHash('sha256').update(sbomText).digest('hex') });
    const sbom = JSON.parse(sbomText);
    const setup = await readFile(join(root, 'runtimes', 'alpha', 'setup.sh'));
    expect(sbom.components).toContainEqual(expect.objectContaining({ name: 'alpha/setup.sh', hashes: [{ alg: 'SHA-256', content: createHash('sha256').update(setup).digest('hex') }] }));
    expect(opts.logger.lines.join('\n')).toContain(`CycloneDX SBOM of alpha@1.0.0, sha256:${outcome.assets[0].sha256}`);
  });

  it('is a no-op the second time: registry.json and the SBOM stay byte-identical', async () => {
    const root = await workspace();
    await releaseProject(options(root));
    const sbomPath = join(root, 'dist', 'registry', 'releases', 'download', 'alpha@1.0.0', 'alpha-1.0.0.cdx.json');
    const before = await readFile(join(root, 'dist', 'registry', 'registry.json'));
    const sbomBefore = await readFile(sbomPath);
    const again = await releaseProject(options(root, { now: () => new Date('2027-01-01T00:00:00Z') }));
    expect(again.status).toBe('already-released');
    expect(await readFile(join(root, 'dist', 'registry', 'registry.json'))).toEqual(before);
    expect(await readFile(sbomPath)).toEqual(sbomBefore);
  });

  it('refuses an SBOM changed under a published version (immutable like the package)', async () => {
    const root = await workspace();
    await releaseProject(options(root));
    const sbomPath = join(root, 'dist', 'registry', 'releases', 'download', 'alpha@1.0.0', 'alpha-1.0.0.cdx.json');
    await writeFile(sbomPath, '{"bomFormat":"CycloneDX"}\n');
    const err = await releaseProject(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/alpha@1\.0\.0 is already released with different content: alpha-1\.0\.0\.cdx\.json is already published/);
    expect(await readFile(sbomPath, 'utf8')).toBe('{"bomFormat":"CycloneDX"}\n');
  });

  it('reads a registry changed between releases of one process again (a bulk run shares parsed registries)', async () => {
    const root = await workspace();
    await releaseProject(options(root));
    expect((await releaseProject(options(root))).status).toBe('already-released');
    const path = join(root, 'dist', 'registry', 'registry.json');
    const text = await readFile(path, 'utf8');
    const published = /"checksum": "sha256:([0-9a-f]{64})"/.exec(text)![1];
    // Same size, rewritten in place: only the content and its mtime/ctime differ.
    await writeFile(path, text.replace(published, 'f'.repeat(64)));
    const err = await releaseProject(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`registry ${path} has sha256:${'f'.repeat(64)}, the package built now is sha256:${published}`);
  });

  it('refuses changed content under the same version, naming both checksums and the fix', async () => {
    const root = await workspace();
    const first = await releaseProject(options(root));
    await writeFile(join(root, 'runtimes', 'alpha', 'setup.sh'), '#!/bin/sh\necho changed\n');
    const err = await releaseProject(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`sha256:${first.assets[0].sha256}`);
    expect(err.message).toMatch(/alpha@1\.0\.0 is already released with different content/);
    expect(err.hint).toContain('runtimes/alpha/manifest.yaml');
  });

  it('dry-run prints the plan with checksums and the registry diff and writes nothing', async () => {
    const root = await workspace();
    await releaseProject(options(root, { projectRoot: 'runtimes/beta' }));
    const before = await treeHash(root);
    const opts = options(root, { dryRun: true });
    const outcome = await releaseProject(opts);
    expect(outcome.status).toBe('planned');
    expect(await treeHash(root)).toBe(before);
    const log = opts.logger.lines.join('\n');
    expect(log).toContain(`alpha-1.0.0.tar.gz  ${outcome.assets[0].size} bytes  sha256:${outcome.assets[0].sha256}`);
    expect(log).toContain(`alpha-1.0.0.cdx.json  ${outcome.assets[2].size} bytes  sha256:${outcome.assets[2].sha256}`);
    expect(log).toContain(`write ${join(root, 'dist/registry/releases/download/alpha@1.0.0/alpha-1.0.0.cdx.json')}`);
    expect(log).toContain('+        "sbom_url": "releases/download/alpha@1.0.0/alpha-1.0.0.cdx.json"');
    expect(log).toContain(`write ${join(root, 'dist/registry/releases/download/alpha@1.0.0/alpha-1.0.0.tar.gz')}`);
    expect(log).toMatch(/\+    "alpha": \{/);
    expect(log).toContain('publishing assets: skipped (dry run: changes nothing)');
  });

  it('uses the base URL for download_url and verifies over HTTP', async () => {
    const root = await workspace();
    const out = join(root, 'out');
    const requests: string[] = [];
    // A static web server hosting the registry directory, as a bucket or nginx would.
    const server = createServer((req, res) => {
      requests.push(req.url!);
      readFile(join(out, decodeURIComponent(req.url!))).then((body) => res.end(body), () => { res.statusCode = 404; res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const outcome = await releaseProject(options(root, { target: { kind: 'directory', dir: out, baseUrl } }));
    expect(outcome.entry?.download_url).toBe(`${baseUrl}/releases/download/alpha@1.0.0/alpha-1.0.0.tar.gz`);
    expect(outcome.entry?.sbom_url).toBe(`${baseUrl}/releases/download/alpha@1.0.0/alpha-1.0.0.cdx.json`);
    expect(requests).toEqual(['/releases/download/alpha@1.0.0/alpha-1.0.0.tar.gz', '/releases/download/alpha@1.0.0/alpha-1.0.0.cdx.json']);
  });

  it('checks the tag: mismatch refused, other projects skipped', async () => {
    const root = await workspace();
    await expect(releaseProject(options(root, { ref: 'refs/tags/alpha@1.0.1' }))).rejects.toThrow('version mismatch: tag alpha@1.0.1 says 1.0.1, runtimes/alpha/manifest.yaml says 1.0.0');
    const skipped = await releaseProject(options(root, { ref: 'refs/tags/beta@2.1.0' }));
    expect(skipped).toMatchObject({ status: 'skipped', reason: expect.stringContaining('another project') });
    expect(await readdir(join(root, 'dist')).catch(() => [])).toEqual([]);
  });

  it('releases a payload under its own registry key, apart from the runtimes, idempotently', async () => {
    const root = await testdir({ ...runtimeFiles('alpha'), ...payloadFiles('web', '0.3.0') });
    const runtime = await releaseProject(options(root));
    const payload = await releaseProject(options(root, { projectRoot: 'payloads/web' }));
    expect(payload).toMatchObject({ project: 'web', tag: 'web@0.3.0', status: 'released' });
    const dir = join(root, 'dist', 'registry');
    expect((await readdir(join(dir, 'releases', 'download', 'web@0.3.0'))).sort()).toEqual(['web-0.3.0.cdx.json', 'web-0.3.0.tar.gz', 'web-0.3.0.tar.gz.sha256']);
    const text = await readFile(join(dir, 'registry.json'), 'utf8');
    const registry = JSON.parse(text);
    expect(Object.keys(registry.runtimes)).toEqual(['alpha']);
    expect(registry.runtimes.alpha['1.0.0'].checksum).toBe(`sha256:${runtime.assets[0].sha256}`);
    expect(registry.payloads.web['0.3.0']).toEqual({
      version: '0.3.0', description: 'web test payload', download_url: 'releases/download/web@0.3.0/web-0.3.0.tar.gz',
      checksum: `sha256:${payload.assets[0].sha256}`, size: payload.assets[0].size, platforms: [], published_at: '2026-03-04T05:06:07.000Z',
      sbom_url: 'releases/download/web@0.3.0/web-0.3.0.cdx.json',
    });

    const again = await releaseProject(options(root, { projectRoot: 'payloads/web', now: () => new Date('2027-01-01T00:00:00Z') }));
    expect(again.status).toBe('already-released');
    expect(await readFile(join(dir, 'registry.json'), 'utf8')).toBe(text);

    await writeFile(join(root, 'payloads', 'web', 'Dockerfile'), 'FROM scratch\n');
    const err = await releaseProject(options(root, { projectRoot: 'payloads/web' })).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/web@0\.3\.0 is already released with different content/);
    expect(err.hint).toContain('payloads/web/manifest.yaml');
  });

  it('concurrent releases into one directory keep every entry', async () => {
    const names = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    const root = await testdir(Object.assign({}, ...names.map((n) => runtimeFiles(n))));
    await Promise.all(names.map((n) => releaseProject(options(root, { projectRoot: `runtimes/${n}` }))));
    const registry = JSON.parse(await readFile(join(root, 'dist', 'registry', 'registry.json'), 'utf8'));
    expect(Object.keys(registry.runtimes).sort()).toEqual(names);
  });
});
