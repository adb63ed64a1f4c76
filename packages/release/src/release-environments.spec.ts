import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPurls, parseLock } from '@runway/debian-env';
import { memoryLogger } from '@runway/log';
import { readSbomSubject } from '@runway/sbom';
import { REPO_ROOT, writeFixtures, type FixtureFile, treeHash } from '@runway/test-utils';
import type { ReleaseContext } from './release-context';
import { releaseProject } from './release-project';
import { preflightSteps } from './steps';
import { directoryTarget } from './targets/directory-target';
import { git } from './testing/fixtures';
import type { ReleaseOptions } from './types';

// The smallest prebuilt runtime: Debian 12's essential set plus BusyBox (70 packages, ~30 MB of
// .debs, kept in the .deb cache between runs). Only the first release runs mmdebstrap; the others
// reuse its verified root filesystem (RUNWAY_DEBIAN_ROOTFS_CACHE), which is byte-identical by design.
const FIXTURE = join(REPO_ROOT, 'packages/debian-env/src/testing/tiny-runtime');
const MISSING = ['mmdebstrap', 'bwrap'].filter((tool) => execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode !== 0);
// Never a silent skip: said loudly here, and under CI a missing tool fails the build step instead.
const SKIP = MISSING.length > 0 && !process.env.CI;
if (SKIP) console.warn(`\n*** ${MISSING.join(', ')} not installed: SKIPPING the real release of a prebuilt environment (apt-get install -y mmdebstrap bubblewrap) ***\n`);
const BUILD_TIMEOUT_MS = 40 * 60 * 1000;
const TAG = 'tiny-env@1.0.0';
const ENV_FILE = 'tiny-env-1.0.0-debian-amd64.tar.gz';
const now = () => new Date('2026-11-27T12:00:00Z');
const IDENTITY = { GIT_AUTHOR_NAME: 'Runway Test', GIT_AUTHOR_EMAIL: 'test@runway.invalid', GIT_COMMITTER_NAME: 'Runway Test', GIT_COMMITTER_EMAIL: 'test@runway.invalid' };

describe.skipIf(SKIP)('releasing a runtime with a prebuilt environment into a directory (real mmdebstrap, real Debian packages)', () => {
  let root = '';
  let kept = '';
  const registryDir = () => join(root, 'dist', 'registry');
  const released = () => join(registryDir(), 'releases', 'download', TAG);
  const options = (overrides: Partial<ReleaseOptions> = {}) => ({
    workspaceRoot: root, projectRoot: 'runtimes/tiny-env', dryRun: false, renderer: 'silent' as const, now,
    env: { SOURCE_DATE_EPOCH: '1700000000', RUNWAY_DEBIAN_ROOTFS_CACHE: kept },
    target: { kind: 'directory' as const, dir: registryDir() }, ...overrides, logger: memoryLogger(),
  });
  const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

  beforeAll(async () => {
    const files: Record<string, FixtureFile> = { '.gitignore': 'dist/\n' };
    for (const name of await readdir(FIXTURE)) {
      files[`runtimes/tiny-env/${name}`] = { content: await readFile(join(FIXTURE, name), 'utf8'), mode: name.endsWith('.sh') ? 0o755 : 0o644 };
    }
    // One workspace for the whole sequence (testdir would remove it after the first test).
    root = await mkdtemp(join(tmpdir(), 'runway-release-env-'));
    await writeFixtures(root, files);
    for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'tiny-env']]) await git(root, args);
    kept = await mkdtemp(join(tmpdir(), 'runway-kept-rootfs-'));
  });
  afterAll(async () => {
    for (const dir of [root, kept]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a dry run builds the environment and lists it in the plan (tarball, .sha256, lock, SBOM, registry diff) and changes nothing', async () => {
    const before = await treeHash(root);
    const opts = options({ dryRun: true });
    const outcome = await releaseProject(opts);
    expect(outcome.status).toBe('planned');
    expect(outcome.assets.map((a) => a.name)).toEqual([
      'tiny-env-1.0.0.tar.gz', 'tiny-env-1.0.0.tar.gz.sha256', 'tiny-env-1.0.0.cdx.json',
      ENV_FILE, `${ENV_FILE}.sha256`, 'tiny-env-1.0.0-debian-amd64.lock.json', 'tiny-env-1.0.0-debian-amd64.cdx.json', 'SHA256SUMS',
    ]);
    const log = opts.logger.lines.join('\n');
    for (const asset of outcome.assets) expect(log).toContain(`  ${asset.name}  ${asset.size} bytes  sha256:${asset.sha256}`);
    expect(log).toContain('+        "prebuilt": {');
    expect(log).toContain(`+            "download_url": "releases/download/${TAG}/${ENV_FILE}",`);
    expect(log).toContain(`+            "checksum": "sha256:${outcome.assets[3].sha256}",`);
    expect(log).toContain('running the smoke test: busybox echo tiny-env ok');
    expect(await treeHash(root)).toBe(before);
  }, BUILD_TIMEOUT_MS);

  it('publishes the environment with the package, checked by the client\'s extractor before and after, and lists it in the registry entry', async () => {
    const opts = options();
    const outcome = await releaseProject(opts);
    expect(outcome.status).toBe('released');
    expect((await readdir(released())).sort()).toEqual([
      'SHA256SUMS', 'release.json', 'tiny-env-1.0.0-debian-amd64.cdx.json', 'tiny-env-1.0.0-debian-amd64.lock.json', ENV_FILE, `${ENV_FILE}.sha256`,
      'tiny-env-1.0.0.cdx.json', 'tiny-env-1.0.0.tar.gz', 'tiny-env-1.0.0.tar.gz.sha256',
    ]);
    const registry = JSON.parse(await readFile(join(registryDir(), 'registry.json'), 'utf8'));
    const entry = registry.runtimes['tiny-env']['1.0.0'];
    const file = join(released(), ENV_FILE);
    expect(entry.prebuilt).toEqual({
      'debian-amd64': {
        download_url: `releases/download/${TAG}/${ENV_FILE}`, checksum: `sha256:${await sha256(file)}`, size: (await readFile(file)).length,
        lock_url: `releases/download/${TAG}/tiny-env-1.0.0-debian-amd64.lock.json`, sbom_url: `releases/download/${TAG}/tiny-env-1.0.0-debian-amd64.cdx.json`,
      },
    });
    expect(await readFile(`${file}.sha256`, 'utf8')).toBe(`${await sha256(file)}  ${ENV_FILE}\n`);
    // The release's checksum list (what the signature covers) includes the environment.
    expect(await readFile(join(released(), 'SHA256SUMS'), 'utf8')).toContain(`${await sha256(file)}  ${ENV_FILE}\n`);
    // The lock published is the committed one reduced to the platform; the SBOM lists its packages as purls.
    const committed = parseLock(await readFile(join(FIXTURE, 'debian.lock.json'), 'utf8'));
    const lock = parseLock(await readFile(join(registryDir(), entry.prebuilt['debian-amd64'].lock_url), 'utf8'));
    expect(lock.platforms).toEqual({ 'debian-amd64': committed.platforms['debian-amd64'] });
    const sbomText = await readFile(join(registryDir(), entry.prebuilt['debian-amd64'].sbom_url), 'utf8');
    expect(readSbomSubject(sbomText)).toEqual({ subject: { name: 'tiny-env', version: '1.0.0', sha256: await sha256(file) } });
    const purls = JSON.parse(sbomText).components.map((c: { purl: string }) => c.purl);
    expect(purls).toEqual(lockPurls(committed, 'debian-amd64'));
    expect(purls).toContainEqual(expect.stringMatching(/^pkg:deb\/debian\/busybox@[^?]+\?arch=amd64$/));
    const log = opts.logger.lines.join('\n');
    expect(log.indexOf(`unpacked ${ENV_FILE} with the client's extractor`)).toBeGreaterThan(-1);
    expect(log.indexOf(`unpacked ${ENV_FILE} with the client's extractor`)).toBeLessThan(log.indexOf('tagged '));
    expect(log.indexOf(`verified file://${file}`)).toBeGreaterThan(log.indexOf('tagged '));
    expect(log.indexOf(`verified file://${file}`)).toBeLessThan(log.indexOf(`added ${TAG} to`));
  }, BUILD_TIMEOUT_MS);

  it('without SOURCE_DATE_EPOCH (the release default: 1980-01-01, never the commit date) two clones build one environment sha256, another than with SOURCE_DATE_EPOCH set', async () => {
    const withEpoch = (await releaseProject(options({ dryRun: true }))).assets.find((a) => a.name === ENV_FILE)!.sha256;
    const sha = async (committerDate: string) => {
      // A fresh clone (other folder, file times) whose HEAD is the same tree committed at another date.
      const clone = await mkdtemp(join(tmpdir(), 'runway-release-env-clone-'));
      try {
        await git(root, ['clone', '-q', root, clone]);
        execaSync('git', ['commit', '-q', '--amend', '--no-edit', '--allow-empty'], { cwd: clone, env: { ...process.env, ...IDENTITY, GIT_COMMITTER_DATE: committerDate } });
        // No kept root filesystem, no build cache: mmdebstrap runs in each clone.
        const outcome = await releaseProject(options({ workspaceRoot: clone, dryRun: true, env: {}, target: { kind: 'directory', dir: join(clone, 'dist', 'registry') } }));
        expect(outcome.status).toBe('planned');
        return outcome.assets.find((a) => a.name === ENV_FILE)!.sha256;
      } finally {
        await rm(clone, { recursive: true, force: true });
      }
    };
    const first = await sha('2001-01-01T00:00:00Z');
    expect(await sha('2026-06-01T12:00:00Z')).toBe(first);
    expect(first).not.toBe(withEpoch);
  }, BUILD_TIMEOUT_MS);

  it('a second release rebuilds the same bytes and changes nothing; the preflight names the committed lock as a build input', async () => {
    const registryBefore = await readFile(join(registryDir(), 'registry.json'));
    const treeBefore = await treeHash(registryDir());
    const again = await releaseProject(options({ now: () => new Date('2027-01-01T00:00:00Z') }));
    expect(again.status).toBe('already-released');
    expect(await readFile(join(registryDir(), 'registry.json'))).toEqual(registryBefore);
    expect(await treeHash(registryDir())).toBe(treeBefore);

    // The facts the provenance lists, from the preflight run step by step.
    const opts = options({ dryRun: true });
    const workDir = await mkdtemp(join(tmpdir(), 'runway-release-'));
    try {
      const ctx: ReleaseContext = { options: opts, logger: opts.logger, target: directoryTarget({ dir: registryDir(), workspaceRoot: root, now }), now, workDir, facts: {} };
      for (const step of preflightSteps) if (!step.skip?.(ctx)) await step.run(ctx);
      expect(ctx.facts.plan!.status).toBe('already-released');
      expect(ctx.facts.buildInputs).toEqual([{ name: 'runtimes/tiny-env/debian.lock.json', sha256: await sha256(join(FIXTURE, 'debian.lock.json')) }]);
      expect(ctx.facts.environments!.map((e) => [e.platform, e.tarball.sha256])).toEqual([['debian-amd64', await sha256(join(released(), ENV_FILE))]]);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }, BUILD_TIMEOUT_MS);
});
