import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UserError } from '@runway/errors';
import { memoryLogger } from '@runway/log';
import { readSbomSubject } from '@runway/sbom';
import { tgzBytes, treeHash } from '@runway/test-utils';
import { releaseProject } from './release-project';
import type { ReleaseContext } from './release-context';
import type { Step } from './step';
import { buildStep, releaseSteps } from './steps';
import { commitAll, git, gitWorkspace, payloadFiles, runtimeFiles } from './testing/fixtures';
import type { ReleaseOptions } from './types';

const now = () => new Date('2026-03-04T05:06:07Z');

async function workspace(options: { origin?: boolean } = {}) {
  return gitWorkspace({ ...runtimeFiles('alpha'), ...runtimeFiles('beta', '2.1.0') }, options);
}

function options(root: string, overrides: Partial<ReleaseOptions> = {}): ReleaseOptions & { logger: ReturnType<typeof memoryLogger> } {
  return {
    workspaceRoot: root, projectRoot: 'runtimes/alpha', dryRun: false, env: {}, renderer: 'silent', now,
    target: { kind: 'directory', dir: join(root, 'dist', 'registry') },
    ...overrides,
    logger: memoryLogger(),
  };
}

const folder = (root: string, tag: string) => join(root, 'dist', 'registry', 'releases', 'download', tag);

describe('releaseProject into a directory', () => {
  it('publishes the commit\'s package, SBOM and release record, tags the commit, then adds the verified entry', async () => {
    const { root, bare } = await workspace({ origin: true });
    const head = await git(root, ['rev-parse', 'HEAD']);
    const opts = options(root);
    const outcome = await releaseProject(opts);
    expect(outcome).toMatchObject({ project: 'alpha', tag: 'alpha@1.0.0', status: 'released', commit: head });
    const dir = join(root, 'dist', 'registry');
    expect((await readdir(folder(root, 'alpha@1.0.0'))).sort()).toEqual(['SHA256SUMS', 'alpha-1.0.0.cdx.json', 'alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256', 'release.json']);
    expect(JSON.parse(await readFile(join(folder(root, 'alpha@1.0.0'), 'release.json'), 'utf8'))).toEqual({ version: 1, kind: 'runway-release', tag: 'alpha@1.0.0', commit: head });
    // The tag names the built commit, and that commit is the one on origin.
    expect(await git(root, ['rev-parse', 'alpha@1.0.0^{commit}'])).toBe(head);
    expect(await git(bare!, ['rev-parse', 'main'])).toBe(head);
    const registry = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8'));
    expect(registry.runtimes.alpha['1.0.0']).toEqual({
      version: '1.0.0', description: 'alpha test runtime', download_url: 'releases/download/alpha@1.0.0/alpha-1.0.0.tar.gz',
      checksum: `sha256:${outcome.assets[0].sha256}`, size: outcome.assets[0].size, platforms: ['ubuntu-amd64'], published_at: '2026-03-04T05:06:07.000Z',
      sbom_url: 'releases/download/alpha@1.0.0/alpha-1.0.0.cdx.json',
    });
    const sbomText = await readFile(join(dir, registry.runtimes.alpha['1.0.0'].sbom_url), 'utf8');
    expect(readSbomSubject(sbomText)).toEqual({ subject: { name: 'alpha', version: '1.0.0', sha256: outcome.assets[0].sha256 } });
    const setup = await readFile(join(root, 'runtimes', 'alpha', 'setup.sh'));
    expect(JSON.parse(sbomText).components).toContainEqual(expect.objectContaining({ name: 'alpha/setup.sh', hashes: [{ alg: 'SHA-256', content: createHash('sha256').update(setup).digest('hex') }] }));
    const log = opts.logger.lines.join('\n');
    // The fresh package was unpacked by the client's extractor before anything was written, and the
    // published file was downloaded and unpacked again before the entry was added.
    expect(log.indexOf('unpacked alpha-1.0.0.tar.gz with the client\'s extractor')).toBeLessThan(log.indexOf('tagged '));
    expect(log.indexOf('verified file://')).toBeLessThan(log.indexOf('added alpha@1.0.0 to'));
    expect(log).toContain(`CycloneDX SBOM of alpha@1.0.0, sha256:${outcome.assets[0].sha256}`);
  });

  it('is a no-op the second time, without claiming a verification it did not record', async () => {
    const { root } = await workspace();
    await releaseProject(options(root));
    const sbomPath = join(folder(root, 'alpha@1.0.0'), 'alpha-1.0.0.cdx.json');
    const before = await readFile(join(root, 'dist', 'registry', 'registry.json'));
    const sbomBefore = await readFile(sbomPath);
    const opts = options(root, { now: () => new Date('2027-01-01T00:00:00Z') });
    const again = await releaseProject(opts);
    expect(again.status).toBe('already-released');
    expect(await readFile(join(root, 'dist', 'registry', 'registry.json'))).toEqual(before);
    expect(await readFile(sbomPath)).toEqual(sbomBefore);
    expect(opts.logger.lines.join('\n')).toContain('its registry entry was written only after its download was verified');
  });

  it('never publishes a package the client\'s extractor refuses, and a re-run refuses it again', async () => {
    const { root } = await workspace();
    // A packer bug stands in for any package the extractor would refuse (an entry escaping with "..").
    const hostile: Step<ReleaseContext> = {
      ...buildStep,
      async run(ctx) {
        await buildStep.run(ctx);
        const bytes = tgzBytes([{ path: 'alpha/', type: '5' }, { path: 'alpha/../../evil.sh', content: 'boom' }]);
        const pkg = ctx.facts.assets![0];
        await writeFile(pkg.path, bytes);
        ctx.facts.assets![0] = { ...pkg, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
      },
    };
    const steps = releaseSteps.map((s) => (s === buildStep ? hostile : s));
    for (let run = 0; run < 2; run++) {
      const err = await releaseProject(options(root), { steps }).catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(/cannot be installed by the client, so nothing was published: refusing .*escapes with "\.\."/);
      await expect(readdir(join(root, 'dist'))).rejects.toThrow(/ENOENT/);
      expect(await git(root, ['tag', '--list'])).toBe('');
    }
  });

  it('refuses an SBOM changed under a published version (immutable like the package)', async () => {
    const { root } = await workspace();
    await releaseProject(options(root));
    const sbomPath = join(folder(root, 'alpha@1.0.0'), 'alpha-1.0.0.cdx.json');
    await writeFile(sbomPath, '{"bomFormat":"CycloneDX"}\n');
    const err = await releaseProject(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/alpha@1\.0\.0 is already released with different content: alpha-1\.0\.0\.cdx\.json is already published/);
    expect(await readFile(sbomPath, 'utf8')).toBe('{"bomFormat":"CycloneDX"}\n');
  });

  it('reads a registry changed between releases of one process again (a bulk run shares parsed registries)', async () => {
    const { root } = await workspace();
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
    const { root } = await workspace();
    const first = await releaseProject(options(root));
    await writeFile(join(root, 'runtimes', 'alpha', 'setup.sh'), '#!/bin/sh\necho changed\n');
    await commitAll(root);
    const err = await releaseProject(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`sha256:${first.assets[0].sha256}`);
    expect(err.message).toMatch(/alpha@1\.0\.0 is already released with different content/);
    expect(err.hint).toContain('runtimes/alpha/manifest.yaml');
  });

  it('refuses a dirty tree, listing the changes; a dry run warns and plans the commit; ignored files are never packed', async () => {
    const { root } = await workspace();
    await writeFile(join(root, 'runtimes', 'alpha', 'setup.sh'), '#!/bin/sh\necho uncommitted\n');
    await writeFile(join(root, 'runtimes', 'alpha', 'notes.txt'), 'untracked\n');
    const err = await releaseProject(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/has 2 uncommitted change\(s\); a release is built from a commit/);
    expect(err.message).toContain(' M runtimes/alpha/setup.sh');
    expect(err.message).toContain('?? runtimes/alpha/notes.txt');
    expect(err.hint).toContain('git stash -u');
    await expect(readdir(join(root, 'dist'))).rejects.toThrow(/ENOENT/);

    const dry = options(root, { dryRun: true });
    expect((await releaseProject(dry)).status).toBe('planned');
    expect(dry.logger.lines.join('\n')).toMatch(/warning: .* 2 uncommitted change\(s\); this plan is for commit [0-9a-f]{12} without them/);

    // Ignored files are no change, and the package holds exactly the committed files.
    await git(root, ['checkout', '--', '.']);
    await writeFile(join(root, '.gitignore'), 'dist/\n*.log\nnotes.txt\n');
    await commitAll(root);
    await writeFile(join(root, 'runtimes', 'alpha', 'debug.log'), 'secret debug output\n');
    const outcome = await releaseProject(options(root));
    expect(outcome.status).toBe('released');
    const listing = await git(root, ['-c', 'core.quotepath=off', 'ls-files', 'runtimes/alpha']);
    const sbom = JSON.parse(await readFile(join(folder(root, 'alpha@1.0.0'), 'alpha-1.0.0.cdx.json'), 'utf8'));
    expect(sbom.components.map((c: { name: string }) => c.name).sort()).toEqual(listing.split('\n').map((p) => p.replace('runtimes/', '')).sort());
  });

  it('refuses a commit that is not on origin ("push it first"); with no remote it notes the local tag', async () => {
    const { root } = await workspace({ origin: true });
    await writeFile(join(root, 'runtimes', 'alpha', 'README'), 'local only\n');
    await commitAll(root);
    const err = await releaseProject(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/commit [0-9a-f]{12} is not on origin/);
    expect(err.hint).toContain('git push origin HEAD');
    await expect(readdir(join(root, 'dist'))).rejects.toThrow(/ENOENT/);
    await git(root, ['push', '-q', 'origin', 'main']);
    expect((await releaseProject(options(root))).status).toBe('released');

    const { root: alone } = await workspace();
    const opts = options(alone);
    expect((await releaseProject(opts)).status).toBe('released');
    expect(opts.logger.lines).toContainEqual(expect.stringMatching(/^no "origin" remote: alpha@1\.0\.0 is tied to commit [0-9a-f]{12} by a local tag only$/));
  });

  it('refuses, before any change, a version whose tag already names another commit', async () => {
    const { root } = await workspace();
    const first = await git(root, ['rev-parse', 'HEAD']);
    await git(root, ['tag', 'alpha@1.0.0', first]);
    await writeFile(join(root, 'README.md'), 'next\n');
    const next = await commitAll(root);
    const err = await releaseProject(options(root)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`tag alpha@1.0.0 already exists in this clone at commit ${first.slice(0, 12)}, but this release is built from ${next.slice(0, 12)}`);
    await expect(readdir(join(root, 'dist'))).rejects.toThrow(/ENOENT/);
  });

  it('dry-run prints the plan with checksums and the registry diff and changes nothing, .git refs included', async () => {
    const { root } = await workspace();
    await releaseProject(options(root, { projectRoot: 'runtimes/beta' }));
    const before = await treeHash(root);
    const opts = options(root, { dryRun: true });
    const outcome = await releaseProject(opts);
    expect(outcome.status).toBe('planned');
    expect(await treeHash(root)).toBe(before);
    const log = opts.logger.lines.join('\n');
    expect(log).toContain(`alpha-1.0.0.tar.gz  ${outcome.assets[0].size} bytes  sha256:${outcome.assets[0].sha256}`);
    expect(log).toContain(`alpha-1.0.0.cdx.json  ${outcome.assets[2].size} bytes  sha256:${outcome.assets[2].sha256}`);
    expect(log).toContain(`rename it to ${folder(root, 'alpha@1.0.0')}`);
    expect(log).toContain('+        "sbom_url": "releases/download/alpha@1.0.0/alpha-1.0.0.cdx.json"');
    expect(log).toMatch(/\+    "alpha": \{/);
    expect(log).toContain('publishing release: skipped (dry run: changes nothing)');
    expect(log).toContain('tagging commit: skipped (dry run: changes nothing)');
  });

  it('uses the base URL for download_url and verifies over HTTP', async () => {
    const { root } = await workspace();
    const out = join(root, 'dist', 'out');
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
    const { root } = await workspace();
    await expect(releaseProject(options(root, { ref: 'refs/tags/alpha@1.0.1' }))).rejects.toThrow('version mismatch: tag alpha@1.0.1 says 1.0.1, runtimes/alpha/manifest.yaml says 1.0.0');
    const skipped = await releaseProject(options(root, { ref: 'refs/tags/beta@2.1.0' }));
    expect(skipped).toMatchObject({ status: 'skipped', reason: expect.stringContaining('another project') });
    await expect(readdir(join(root, 'dist'))).rejects.toThrow(/ENOENT/);
  });

  it('a registry folder below a file is a clear error before anything changes', async () => {
    const { root } = await workspace();
    await mkdir(join(root, 'dist'));
    await writeFile(join(root, 'dist', 'file'), 'not a folder\n');
    const err = await releaseProject(options(root, { target: { kind: 'directory', dir: join(root, 'dist', 'file', 'registry') } })).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/^cannot read .*dist\/file\/registry\/registry\.json: a part of the path is a file, not a folder \(ENOTDIR\)$/);
    expect(await git(root, ['tag', '--list'])).toBe('');
  });

  it('releases a payload under its own registry key, apart from the runtimes, idempotently', async () => {
    const { root } = await gitWorkspace({ ...runtimeFiles('alpha'), ...payloadFiles('web', '0.3.0') });
    const runtime = await releaseProject(options(root));
    const payload = await releaseProject(options(root, { projectRoot: 'payloads/web' }));
    expect(payload).toMatchObject({ project: 'web', tag: 'web@0.3.0', status: 'released' });
    const dir = join(root, 'dist', 'registry');
    expect((await readdir(folder(root, 'web@0.3.0'))).sort()).toEqual(['SHA256SUMS', 'release.json', 'web-0.3.0.cdx.json', 'web-0.3.0.tar.gz', 'web-0.3.0.tar.gz.sha256']);
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
  });

  it('concurrent releases of different projects into one directory keep every entry', async () => {
    const names = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    const { root } = await gitWorkspace(Object.assign({}, ...names.map((n) => runtimeFiles(n))));
    await Promise.all(names.map((n) => releaseProject(options(root, { projectRoot: `runtimes/${n}` }))));
    const registry = JSON.parse(await readFile(join(root, 'dist', 'registry', 'registry.json'), 'utf8'));
    expect(Object.keys(registry.runtimes).sort()).toEqual(names);
  });

  it('two concurrent releases of one tag with different bytes: exactly one wins, the other fails clearly', async () => {
    const { root } = await workspace();
    // Same commit, different SOURCE_DATE_EPOCH: same version, different package bytes.
    const results = await Promise.allSettled([
      releaseProject(options(root, { env: { SOURCE_DATE_EPOCH: '1700000000' } })),
      releaseProject(options(root, { env: { SOURCE_DATE_EPOCH: '1700000999' } })),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(UserError);
    expect(lost[0].reason.message).toMatch(/releases\/download\/alpha@1\.0\.0 (was published meanwhile by another release with|already holds) different content|alpha@1\.0\.0 is already released with different content/);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof releaseProject>>>).value;
    const registry = JSON.parse(await readFile(join(root, 'dist', 'registry', 'registry.json'), 'utf8'));
    expect(registry.runtimes.alpha['1.0.0'].checksum).toBe(`sha256:${winner.assets[0].sha256}`);
    const stored = await readFile(join(folder(root, 'alpha@1.0.0'), 'alpha-1.0.0.tar.gz'));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(winner.assets[0].sha256);
    // Nothing of the loser is left behind: no staging folder, no other file.
    expect((await readdir(join(root, 'dist', 'registry', 'releases', 'download'))).sort()).toEqual(['alpha@1.0.0']);
  });

  it('adds a missing file next to an identical published release (published before it existed)', async () => {
    const { root } = await workspace();
    const first = await releaseProject(options(root));
    const sbomPath = join(folder(root, 'alpha@1.0.0'), 'alpha-1.0.0.cdx.json');
    const sbom = await readFile(sbomPath);
    await rm(sbomPath);
    const again = await releaseProject(options(root));
    expect(again.status).toBe('released');
    expect(await readFile(sbomPath)).toEqual(sbom);
    expect(again.assets).toEqual(first.assets);
  });
});
