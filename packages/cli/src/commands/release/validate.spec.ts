import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startGitHubServer } from '@runway/github-server';
import { memoryLogger } from '@runway/log';
import { releaseProject } from '@runway/release';
import { parseVerificationRecord, VERIFICATION_FILE } from '@runway/release-policy';
import type { ReleaseTarget } from '@runway/release';
import { hostPlatform } from '@runway/runtime-client';
import { testdir, type FixtureFile } from '@runway/test-utils';
import { runway } from '../runtime/testing/cli';
import { shellRuntime } from '../runtime/testing/shell-runtime';
import { releaseKey, type ReleaseKey } from '../runtime/testing/signed-registry';

const GIT_ENV = { GIT_AUTHOR_NAME: 'Runway Test', GIT_AUTHOR_EMAIL: 'test@runway.invalid', GIT_COMMITTER_NAME: 'Runway Test', GIT_COMMITTER_EMAIL: 'test@runway.invalid' };
const git = async (cwd: string, args: string[]) => (await execa('git', args, { cwd, env: { ...process.env, ...GIT_ENV } })).stdout;

/**
 * A git workspace with a bare origin, `files` committed and pushed, each runtime released (signed
 * with `key`) into dist/registry, or to `github` when given (a test server on the bare origin).
 */
async function releasedWorkspace(
  files: Record<string, FixtureFile>, names: string[], key: ReleaseKey,
  github?: (bare: string) => Promise<Extract<ReleaseTarget, { kind: 'github' }>>,
): Promise<{ root: string; bare: string; target: ReleaseTarget }> {
  const root = await testdir({ '.gitignore': 'dist/\n', ...files });
  const origin = await testdir();
  await git(origin, ['init', '-q', '--bare', '-b', 'main']);
  await git(root, ['init', '-q', '-b', 'main']);
  await git(root, ['add', '-A']);
  await git(root, ['commit', '-q', '-m', 'initial']);
  await git(root, ['remote', 'add', 'origin', origin]);
  await git(root, ['push', '-q', '-u', 'origin', 'main']);
  const env = { RUNWAY_SIGNING_KEY: await readFile(key.privateKeyFile, 'utf8') };
  const target: ReleaseTarget = github ? await github(origin) : { kind: 'directory', dir: join(root, 'dist', 'registry') };
  for (const name of names) {
    await releaseProject({ workspaceRoot: root, projectRoot: `runtimes/${name}`, dryRun: false, env, renderer: 'silent', logger: memoryLogger(), target });
  }
  return { root, bare: origin, target };
}

const hasBwrap = execaSync('bwrap', ['--version'], { reject: false }).exitCode === 0;
if (!hasBwrap && !process.env.CI) {
  console.warn('\n*** bubblewrap is not installed: SKIPPING the release validate specs (apt-get install -y bubblewrap) ***\n');
}

const folder = (root: string, tag: string) => join(root, 'dist', 'registry', 'releases', 'download', tag);
const NO_GITHUB = { GITHUB_REPOSITORY: '', GITHUB_TOKEN: '' };

// Under a truthy CI a missing bwrap is not skipped: the smoke commands then fail with the install hint.
describe.skipIf(!hasBwrap && !process.env.CI)('runway release validate (real git, real keys, the real client and bubblewrap; directory and GitHub targets)', { timeout: 300_000 }, () => {
  let platform: string;
  beforeAll(async () => {
    platform = await hostPlatform();
  });

  it('installs the published runtime into an empty folder, runs its smoke command inside it, and records the pass on the release', async () => {
    const key = await releaseKey('runway-release');
    const { root } = await releasedWorkspace({
      ...(await shellRuntime('shell', platform, '[bash, -c, "echo smoke-ok $BASH_VERSION"]')),
      ...(await shellRuntime('quiet', platform)),
    }, ['shell', 'quiet'], key);
    const home = await testdir();

    const run = await runway(['release', 'validate', 'shell@1.0.0', '--key', key.publicKeyFile], home, { cwd: root, env: NO_GITHUB });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('PASSED runtime shell');
    expect(run.stdout).toContain(`installed: shell@1.0.0 (source package for ${platform}, set up; signed by ${key.key.publicKey.keyId})`);
    expect(run.stdout).toContain('smoke: bash -c echo smoke-ok $BASH_VERSION');
    expect(run.stdout).toMatch(/ {4}smoke-ok 5\.\d/);
    expect(run.stdout).toMatch(/shell@1\.0\.0 \([0-9a-f]{12}\) passed: 1 project\(s\)/);

    // The record names the tag, the commit it points at, and the sha256 SHA256SUMS lists for the installed file.
    const record = parseVerificationRecord(await readFile(join(folder(root, 'shell@1.0.0'), VERIFICATION_FILE), 'utf8'));
    const sums = await readFile(join(folder(root, 'shell@1.0.0'), 'SHA256SUMS'), 'utf8');
    const listed = /^([0-9a-f]{64}) {2}shell-1\.0\.0\.tar\.gz$/m.exec(sums)?.[1];
    expect(record).toEqual({ tag: 'shell@1.0.0', commit: await git(root, ['rev-parse', 'shell@1.0.0^{commit}']), passed: true, images: {}, assets: { 'shell-1.0.0.tar.gz': listed } });
    // Nothing of the install is left behind, and the user's own runtimes folder was never touched.
    expect(await readdir(home)).not.toContain('runtimes');

    // A runtime without smoke command passes as installed; --dir keeps the install; --no-record writes nothing.
    const dir = join(home, 'kept');
    const quiet = await runway(['release', 'validate', 'quiet@1.0.0', '--dir', dir, '--no-record'], home, { cwd: root, env: NO_GITHUB });
    expect(quiet.exitCode, `${quiet.stdout}\n${quiet.stderr}`).toBe(0);
    expect(quiet.stdout).toContain('PASSED runtime quiet');
    expect(quiet.stdout).toContain('installed, no smoke command');
    expect(await readdir(dir)).toContain('quiet-1.0.0');
    expect(await readdir(folder(root, 'quiet@1.0.0'))).not.toContain(VERIFICATION_FILE);
    // … and refuses a --dir that holds something.
    const busy = await runway(['release', 'validate', 'quiet@1.0.0', '--dir', dir], home, { cwd: root, env: NO_GITHUB });
    expect(busy.exitCode).toBe(1);
    expect(busy.stderr).toContain(`${dir} is not empty`);
  });

  it('fails with exit 1 when a smoke command fails, naming the runtime and its output, and records the failure', async () => {
    const key = await releaseKey('runway-release');
    const { root } = await releasedWorkspace(await shellRuntime('broken', platform, '[bash, -c, "echo boom-before-failing; exit 3"]'), ['broken'], key);
    const home = await testdir();
    const run = await runway(['release', 'validate', 'broken@1.0.0'], home, { cwd: root, env: NO_GITHUB });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('FAILED runtime broken');
    expect(run.stderr).toContain('reason: the smoke command exited with 3');
    expect(run.stderr).toContain('    boom-before-failing');
    expect(run.stderr).toMatch(/broken@1\.0\.0 \([0-9a-f]{12}\) FAILED: broken/);
    const record = parseVerificationRecord(await readFile(join(folder(root, 'broken@1.0.0'), VERIFICATION_FILE), 'utf8'));
    expect(record).toMatchObject({ tag: 'broken@1.0.0', passed: false });
  });

  it('refuses a pinned key that did not sign the release, an unknown tag and a tag that was never released, writing no record', async () => {
    const key = await releaseKey('runway-release');
    const { root } = await releasedWorkspace(await shellRuntime('shell', platform, '[bash, -c, "echo ok"]'), ['shell'], key);
    const home = await testdir();
    const other = await releaseKey('someone-else');
    const wrongKey = await runway(['release', 'validate', 'shell@1.0.0', '--key', other.publicKeyFile], home, { cwd: root, env: NO_GITHUB });
    expect(wrongKey.exitCode).toBe(1);
    expect(wrongKey.stderr).toContain(`registry.json.sig: the signature was made by key ${key.key.publicKey.keyId}, which is not pinned`);
    expect(wrongKey.stderr).not.toContain('    at ');
    expect(await readdir(folder(root, 'shell@1.0.0'))).not.toContain(VERIFICATION_FILE);

    const unknown = await runway(['release', 'validate', 'shell@9.9.9'], home, { cwd: root, env: NO_GITHUB });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('the tag shell@9.9.9 does not exist');

    await git(root, ['tag', 'shell@2.0.0']);
    const unreleased = await runway(['release', 'validate', 'shell@2.0.0'], home, { cwd: root, env: NO_GITHUB });
    expect(unreleased.exitCode).toBe(1);
    expect(unreleased.stderr).toContain('shell@2.0.0 has no published release');

    const notATag = await runway(['release', 'validate', 'v1.2'], home, { cwd: root, env: NO_GITHUB });
    expect(notATag.exitCode).toBe(2);
  });

  it('validates an RC from its own registry.json asset (directory target), named by the RC release\'s umbrella.json', async () => {
    const key = await releaseKey('runway-release');
    const { root } = await releasedWorkspace(await shellRuntime('shell', platform, '[bash, -c, "echo rc-smoke"]'), ['shell'], key);
    // The RC release as the RC contract lays it out: the project's files, umbrella.json and an
    // RC-scoped registry.json whose entry downloads from the RC folder (URL relative to the file).
    const commit = await git(root, ['rev-parse', 'HEAD']);
    await git(root, ['tag', 'v1.0.0-rc.1']);
    const rc = folder(root, 'v1.0.0-rc.1');
    await mkdir(rc, { recursive: true });
    await copyFile(join(folder(root, 'shell@1.0.0'), 'shell-1.0.0.tar.gz'), join(rc, 'shell-1.0.0.tar.gz'));
    const main = JSON.parse(await readFile(join(root, 'dist', 'registry', 'registry.json'), 'utf8'));
    const { sbom_url: _, ...entry } = main.runtimes.shell['1.0.0'];
    await writeFile(join(rc, 'registry.json'), JSON.stringify({ version: main.version, updated_at: main.updated_at, runtimes: { shell: { '1.0.0': { ...entry, download_url: 'shell-1.0.0.tar.gz' } } } }));
    await writeFile(join(rc, 'umbrella.json'), JSON.stringify({
      version: 1, kind: 'runway-umbrella', tag: 'v1.0.0-rc.1', commit, release_commit: commit,
      packages: [{ name: 'shell', version: '1.0.0', tag: 'shell@1.0.0', checksum: entry.checksum, size: entry.size, download_url: 'shell-1.0.0.tar.gz' }],
    }));
    // The main registry must not be what is installed: its entry is removed.
    await writeFile(join(root, 'dist', 'registry', 'registry.json'), JSON.stringify({ ...main, runtimes: {} }));
    const home = await testdir();
    const run = await runway(['release', 'validate', 'v1.0.0-rc.1'], home, { cwd: root, env: NO_GITHUB });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('    rc-smoke');
    expect(run.stderr).toContain(`registry ${join(rc, 'registry.json')} is unsigned: packages are checked against its checksums only`);
    const record = parseVerificationRecord(await readFile(join(rc, VERIFICATION_FILE), 'utf8'));
    expect(record).toEqual({ tag: 'v1.0.0-rc.1', commit, passed: true, images: {}, assets: { 'shell-1.0.0.tar.gz': entry.checksum.replace('sha256:', '') } });
  });

  it('validates a GitHub release (the OpenAPI-checked test server) from the registry on the default branch, and replaces the record asset', async () => {
    const key = await releaseKey('runway-release');
    const token = 'ghs_validate_test_token_0123456789';
    let server: Awaited<ReturnType<typeof startGitHubServer>> | undefined;
    const { root } = await releasedWorkspace(await shellRuntime('shell', platform, '[bash, -c, "echo github-smoke"]'), ['shell'], key, async (bare) => {
      server = await startGitHubServer({ owner: 'acme', repo: 'runtimes', token, bareRepo: bare });
      return { kind: 'github', token, repository: 'acme/runtimes', apiUrl: server.apiUrl, serverUrl: server.url };
    });
    onTestFinished(() => server!.close());
    // As in CI: a clone with the tags the release pushed.
    await git(root, ['fetch', '-q', '--tags', 'origin']);
    const home = await testdir();
    const env = { GITHUB_REPOSITORY: 'acme/runtimes', GITHUB_TOKEN: token, GITHUB_API_URL: server!.apiUrl, GITHUB_SERVER_URL: server!.url };
    const record = () => server!.state.releases.find((r) => r.tagName === 'shell@1.0.0')!.assets.filter((a) => a.name === VERIFICATION_FILE);

    const run = await runway(['release', 'validate', 'shell@1.0.0', '--key', key.publicKeyFile], home, { cwd: root, env });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('PASSED runtime shell');
    expect(run.stdout).toContain('    github-smoke');
    expect(record()).toHaveLength(1);
    const first = parseVerificationRecord(record()[0].data.toString('utf8'));
    expect(first).toMatchObject({ tag: 'shell@1.0.0', commit: await git(root, ['rev-parse', 'shell@1.0.0^{commit}']), passed: true });
    expect(Object.keys(first.assets!)).toEqual(['shell-1.0.0.tar.gz']);

    // Validated again: one record, replaced (a new asset, not a second one, not a refused upload).
    const firstId = record()[0].id;
    const again = await runway(['release', 'validate', 'shell@1.0.0'], home, { cwd: root, env });
    expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(record()).toHaveLength(1);
    expect(record()[0].id).not.toBe(firstId);
    await server!.settled();
    expect(server!.violations).toEqual([]);
  });
});
