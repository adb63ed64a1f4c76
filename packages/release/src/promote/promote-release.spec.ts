import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger, VERIFICATION_FILE, type VerificationRecord } from '@runway/release-policy';
import { hostPlatform } from '@runway/runtime-client';
import { REPO_ROOT, sshTestKey, testdir, treeHash } from '@runway/test-utils';
import { formatPrivateKey, formatPublicKey, signingKeyFromKeyObject } from '@runway/trust';
import { normalizeReleasePolicy } from '../policy/policy-config';
import { git, gitWorkspace, payloadFiles, runtimeFiles } from '../testing/fixtures';
import { githubFixture } from '../testing/github-fixture';
import { releaseUmbrella } from '../umbrella/release-umbrella';
import { promoteRelease, type PromoteOptions } from './promote-release';

const RC = 'v1.0.0-rc.1';

/** The real client and CLI, with a private HOME, cache and config. */
function runway(args: string[], home: string, cwd: string, env: NodeJS.ProcessEnv = {}) {
  return execa(join(REPO_ROOT, 'node_modules/.bin/runway'), args, {
    cwd, reject: false, extendEnv: false,
    env: { HOME: home, RUNWAY_CACHE_DIR: join(home, 'cache'), RUNWAY_CONFIG: join(home, 'registries.yaml'), CI: '1', PATH: process.env.PATH, ...env },
  });
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

/**
 * A clone with an installable runtime (alpha 0.9.0) and a payload (web 0.3.0), the RC v1.0.0-rc.1
 * tagged on HEAD and released into the directory registry with a key made here.
 */
async function releasedRc() {
  const platform = await hostPlatform();
  const { root } = await gitWorkspace({
    'runtimes/alpha/manifest.yaml': `name: alpha\nversion: 0.9.0\ndescription: "alpha"\nplatforms:\n  - ${platform}\n`,
    'runtimes/alpha/setup.sh': { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
    [`runtimes/alpha/setup-${platform}.sh`]: { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
    ...payloadFiles('web', '0.3.0'),
    'CHANGELOG.md': '# Changelog\n\n## [1.0.0] - 2026-11-27\n\n### Added\n\n- alpha grows up\n',
  }, { origin: true });
  const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'runway-release');
  const env = { RUNWAY_SIGNING_KEY: formatPrivateKey(key) };
  const head = await git(root, ['rev-parse', 'HEAD']);
  await git(root, ['tag', RC, head]);
  const dir = join(root, 'dist/registry');
  const released = await releaseUmbrella({
    workspaceRoot: root, projects: [{ root: 'runtimes/alpha' }, { root: 'payloads/web' }], trigger: umbrellaTrigger(`refs/tags/${RC}`),
    overridableTags: DEFAULT_OVERRIDABLE_TAGS, dryRun: false, target: { kind: 'directory', dir }, env, renderer: 'silent', logger: memoryLogger(),
    policy: normalizeReleasePolicy({ changelog: { scope: 'none' } }),
  });
  if (released.status !== 'released') throw new Error(`RC not released: ${released.status}`);
  const rcFolder = join(dir, 'releases/download', RC);
  /** What `runway release validate` leaves: the verification record, as an asset of the RC. */
  const validate = (record: Partial<VerificationRecord> = {}) =>
    writeFile(join(rcFolder, VERIFICATION_FILE), JSON.stringify({ tag: RC, commit: head, passed: true, images: {}, ...record }));
  const logger = memoryLogger();
  const promote = (overrides: Partial<PromoteOptions> = {}) => promoteRelease({
    workspaceRoot: root, target: { kind: 'directory', dir }, rcTag: RC, dryRun: false, env, logger,
    policy: normalizeReleasePolicy({ changelog: { scope: 'none' }, signedTags: { stable: 'optional' } }), ...overrides,
  });
  return { root, dir, rcFolder, key, env, head, releaseCommit: released.releaseCommit, validate, promote, logger };
}

describe('runway promote vX.Y.Z-rc.N on the directory registry', () => {
  it('publishes the RC\'s bytes as 1.0.0 (tags, releases, registry entries); the client installs alpha@1.0.0 with the pinned key; a re-run plans nothing', async () => {
    const { root, dir, rcFolder, key, head, releaseCommit, validate, promote, logger } = await releasedRc();
    await validate();
    const before = await treeHash(root);
    const dry = await promote({ dryRun: true });
    expect(dry.status).toBe('planned');
    expect(dry.plan.actions.map((a) => `${a.kind} ${'tag' in a ? a.tag : a.name}`)).toEqual([
      'create-tag v1.0.0', 'create-tag alpha@1.0.0', 'create-tag web@1.0.0',
      'publish-release alpha@1.0.0', 'publish-release web@1.0.0', 'publish-release v1.0.0',
      'add-registry-entry alpha', 'add-registry-entry web',
    ]);
    expect(await treeHash(root)).toBe(before);
    expect(logger.lines.join('\n')).toContain('dry run: nothing changed');

    await expect(promote()).resolves.toMatchObject({ status: 'promoted' });
    expect(await git(root, ['rev-parse', 'v1.0.0^{commit}'])).toBe(head);
    for (const tag of ['alpha@1.0.0', 'web@1.0.0']) expect(await git(root, ['rev-parse', `${tag}^{commit}`])).toBe(releaseCommit);

    // Byte-identical: every stable file is the RC's.
    const download = join(dir, 'releases/download');
    const alphaFiles = (await readdir(join(download, 'alpha@1.0.0'))).sort();
    expect(alphaFiles).toEqual(['NOTES.md', 'SHA256SUMS', 'SHA256SUMS.sig', 'alpha-1.0.0.cdx.json', 'alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256', 'provenance.intoto.jsonl', 'release.json']);
    for (const file of ['alpha-1.0.0.tar.gz', 'alpha-1.0.0.cdx.json', 'provenance.intoto.jsonl']) {
      expect(await sha256(join(download, 'alpha@1.0.0', file))).toBe(await sha256(join(rcFolder, file)));
    }
    const rcNames = (await readdir(rcFolder)).sort();
    expect((await readdir(join(download, 'v1.0.0'))).filter((n) => n !== 'release.json' && n !== 'NOTES.md').sort()).toEqual(rcNames);
    for (const file of rcNames) expect(await sha256(join(download, 'v1.0.0', file))).toBe(await sha256(join(rcFolder, file)));
    expect(await readFile(join(download, 'v1.0.0/NOTES.md'), 'utf8')).toMatch(/^### Added\n\n- alpha grows up\n\nPromoted from the release candidate v1\.0\.0-rc\.1 without rebuilding/);
    expect(await readFile(join(download, 'alpha@1.0.0/SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}alpha-1\.0\.0\.cdx\.json\n/);

    const registry = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8'));
    const rcRegistry = JSON.parse(await readFile(join(rcFolder, 'registry.json'), 'utf8'));
    expect(registry.runtimes.alpha['1.0.0']).toEqual({
      ...rcRegistry.runtimes.alpha['1.0.0'],
      download_url: 'releases/download/alpha@1.0.0/alpha-1.0.0.tar.gz', sbom_url: 'releases/download/alpha@1.0.0/alpha-1.0.0.cdx.json',
    });
    expect(Object.keys(registry.payloads)).toEqual(['web']);

    // The client installs the promoted version and verifies it against the pinned key.
    const home = await testdir();
    const pub = join(home, 'release.pub');
    await writeFile(pub, `${formatPublicKey(key.publicKey)}\n`);
    const installed = await runway(['runtime', 'install', 'alpha@1.0.0', '--registry', join(dir, 'registry.json'), '--key', pub, '--dir', join(home, 'rt')], home, home);
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(installed.stdout).toContain('installed alpha@1.0.0');

    const after = await treeHash(root);
    await expect(promote()).resolves.toMatchObject({ status: 'already-promoted', plan: { actions: [] } });
    expect(await treeHash(root)).toBe(after);
  }, 400_000);

  it('refuses, listing every problem and changing nothing: not released, not verified, an asset changed, v1.0.0 elsewhere, a signature it cannot make; then the CLI promotes with a signed v1.0.0', async () => {
    const { root, rcFolder, head, env, key, validate, promote } = await releasedRc();
    const refused = async (message: RegExp, overrides: Partial<PromoteOptions> = {}) => {
      const before = await treeHash(root);
      await expect(promote(overrides)).rejects.toThrow(message);
      expect(await treeHash(root)).toBe(before);
    };
    await git(root, ['tag', 'v2.0.0-rc.1', head]);
    await refused(/v2\.0\.0-rc\.1 was not released/, { rcTag: 'v2.0.0-rc.1' });

    await refused(/v1\.0\.0-rc\.1 was not verified \(fix: run "runway release validate v1\.0\.0-rc\.1"/);
    await validate({ passed: false });
    await refused(/v1\.0\.0-rc\.1 was not verified \(its validation failed\)/);
    await validate();

    const tarball = join(rcFolder, 'alpha-1.0.0.tar.gz');
    const original = await readFile(tarball);
    await writeFile(tarball, Buffer.concat([original, Buffer.from('tampered')]));
    await refused(/alpha-1\.0\.0\.tar\.gz has sha256 [0-9a-f]{64}, but SHA256SUMS says/);
    await writeFile(tarball, original);

    await git(root, ['commit', '-q', '--allow-empty', '-m', 'later']);
    await git(root, ['tag', 'v1.0.0', 'HEAD']);
    await refused(/v1\.0\.0 already exists at [0-9a-f]{12}, not at/);
    await git(root, ['tag', '-d', 'v1.0.0']);

    // Without the release key (and no --key) nothing can check the RC's signature.
    await refused(/no public key to check v1\.0\.0-rc\.1's SHA256SUMS\.sig with/, { env: {} });
    // --key alone checks it, but the per-project checksums cannot be signed without the private key.
    const pub = join(await testdir(), 'release.pub');
    await writeFile(pub, `${formatPublicKey(key.publicKey)}\n`);
    await refused(/per-project releases need a SHA256SUMS signed with the release key, but RUNWAY_SIGNING_KEY is not set/, { env: {}, keys: [pub] });
    // A wrong key: the signature does not verify.
    const other = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'other');
    await refused(/the signature of v1\.0\.0-rc\.1's SHA256SUMS does not verify/, { env: { RUNWAY_SIGNING_KEY: formatPrivateKey(other) } });

    // The CLI with the workspace's default policy: a stable v tag must be signed, and git has no signing key here.
    const home = await testdir();
    const cli = await runway(['promote', RC], home, root, { ...env, GIT_CONFIG_GLOBAL: join(home, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' });
    expect(cli.exitCode, cli.stderr).toBe(1);
    expect(cli.stderr).toMatch(/v1\.0\.0 must be a signed tag, but git has no signing key configured \(fix: git config gpg\.format ssh/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(await git(root, ['tag', '--list', 'v1.0.0', 'alpha@*'])).toBe('');

    // An SSH signing key that origin/main's .github/allowed_signers does not list: the signed tag is
    // checked before it is pushed, refused, and removed again.
    const maintainer = await sshTestKey('maintainer');
    for (const [k, v] of [['gpg.format', 'ssh'], ['user.signingkey', maintainer.key], ['user.name', 'Maintainer'], ['user.email', 'maintainer@runway.invalid']]) await git(root, ['config', k, v]);
    const untrusted = await runway(['promote', RC], home, root, { ...env, GIT_CONFIG_GLOBAL: join(home, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' });
    expect(untrusted.exitCode, untrusted.stderr).toBe(1);
    expect(untrusted.stderr).toMatch(/not pushing v1\.0\.0: .*\(signers: \.github\/ at [0-9a-f]{40}\); the local tag was removed again/);
    expect(await git(root, ['tag', '--list', 'v1.0.0', 'alpha@*'])).toBe('');

    // Once the key is a trusted signer on origin/main, the same command promotes with a signed v1.0.0.
    await mkdir(join(root, '.github'));
    await writeFile(join(root, '.github/allowed_signers'), `maintainer@runway.invalid ${maintainer.publicKey}\n`);
    await git(root, ['add', '.github']);
    await git(root, ['commit', '-q', '-m', 'trusted signers']);
    await git(root, ['push', '-q', 'origin', 'main']);
    const promoted = await runway(['promote', RC], home, root, { ...env, GIT_CONFIG_GLOBAL: join(home, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' });
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    expect(promoted.stdout).toContain('promoted v1.0.0-rc.1 to v1.0.0');
    expect(await git(root, ['cat-file', '-p', 'v1.0.0'])).toContain('-----BEGIN SSH SIGNATURE-----');
    expect(await git(root, ['rev-parse', 'v1.0.0^{commit}'])).toBe(head);
    await rm(join(rcFolder, VERIFICATION_FILE));
  }, 400_000);
});

describe('runway promote vX.Y.Z-rc.N on GitHub (the test server on the bare origin)', () => {
  it('publishes the RC\'s assets byte-identical as releases of 1.0.0, pushes the tags, adds the entries on origin; a re-run plans nothing', async () => {
    const fx = await githubFixture({ ...runtimeFiles('alpha', '0.9.0'), ...runtimeFiles('beta', '1.0.0') });
    const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'runway-release');
    const env = { RUNWAY_SIGNING_KEY: formatPrivateKey(key) };
    const head = await git(fx.root, ['rev-parse', 'HEAD']);
    const policy = normalizeReleasePolicy({ changelog: { scope: 'none' }, signedTags: { stable: 'optional' } });
    const released = await releaseUmbrella({
      workspaceRoot: fx.root, projects: [{ root: 'runtimes/alpha' }, { root: 'runtimes/beta' }], trigger: umbrellaTrigger(`refs/tags/${RC}`),
      overridableTags: DEFAULT_OVERRIDABLE_TAGS, dryRun: false, target: fx.target, github: fx.api(), env, renderer: 'silent', logger: memoryLogger(), policy,
    });
    if (released.status !== 'released') throw new Error(released.status);
    const published = (tag: string) => fx.server.state.releases.find((r) => r.tagName === tag && !r.draft);
    const rc = published(RC)!;
    expect(rc.prerelease).toBe(true);
    expect(await fx.originTag(RC)).toBe(head);
    expect(await fx.originTag('alpha@1.0.0')).toBeUndefined();
    expect(await fx.originRegistry()).toBeUndefined();
    const rcRegistry = JSON.parse(rc.assets.find((a) => a.name === 'registry.json')!.data.toString());
    expect(rcRegistry.runtimes.alpha['1.0.0'].download_url).toBe(`${fx.server.url}/acme/runtimes/releases/download/${RC}/alpha-1.0.0.tar.gz`);

    const api = fx.api();
    const record = join(await testdir(), VERIFICATION_FILE);
    await writeFile(record, JSON.stringify({ tag: RC, commit: head, passed: true, images: {} }));
    await api.uploadAsset((await api.getPublishedRelease(RC))!, { name: VERIFICATION_FILE, path: record, contentType: 'application/json' });

    const promote = (dryRun = false) => promoteRelease({ workspaceRoot: fx.root, target: fx.target, github: fx.api(), rcTag: RC, dryRun, env, logger: memoryLogger(), policy });
    const count = fx.server.state.releases.length;
    await expect(promote(true)).resolves.toMatchObject({ status: 'planned' });
    expect(fx.server.state.releases).toHaveLength(count);
    expect(await fx.originTag('v1.0.0')).toBeUndefined();

    await expect(promote()).resolves.toMatchObject({ status: 'promoted' });
    expect(await fx.originTag('v1.0.0')).toBe(head);
    expect(await fx.originTag('alpha@1.0.0')).toBe(released.releaseCommit);
    const umbrella = published('v1.0.0')!;
    expect(umbrella.prerelease).toBe(false);
    const rcNow = published(RC)!;
    expect(umbrella.assets.map((a) => a.name).sort()).toEqual(rcNow.assets.map((a) => a.name).sort());
    for (const asset of rcNow.assets) expect(umbrella.assets.find((a) => a.name === asset.name)!.data.equals(asset.data)).toBe(true);
    const alpha = published('alpha@1.0.0')!;
    expect(alpha.assets.find((a) => a.name === 'alpha-1.0.0.tar.gz')!.data.equals(rcNow.assets.find((a) => a.name === 'alpha-1.0.0.tar.gz')!.data)).toBe(true);
    const registry = await fx.originRegistry();
    expect(registry?.runtimes.alpha['1.0.0'].download_url).toBe(`${fx.server.url}/acme/runtimes/releases/download/alpha%401.0.0/alpha-1.0.0.tar.gz`);
    expect(registry?.runtimes.alpha['1.0.0'].checksum).toBe(rcRegistry.runtimes.alpha['1.0.0'].checksum);
    await fx.assertConverged();

    const releases = fx.server.state.releases.length;
    await expect(promote()).resolves.toMatchObject({ status: 'already-promoted' });
    expect(fx.server.state.releases).toHaveLength(releases);
  }, 400_000);
});
