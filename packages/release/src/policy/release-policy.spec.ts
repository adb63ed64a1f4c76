import { access, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger } from '@runway/release-policy';
import { createSignedTag } from '@runway/tag-signatures';
import { forgeTag, gpgTestKey, sshTestKey, testdir } from '@runway/test-utils';
import { releaseProject } from '../release-project';
import { commitAll, git, GIT_ENV, gitWorkspace, runtimeFiles } from '../testing/fixtures';
import { releaseUmbrella } from '../umbrella/release-umbrella';
import { normalizeReleasePolicy, readReleasePolicy, type ReleasePolicyInput } from './policy-config';

const REPO = 'https://example.invalid/acme/rt';
const exists = (path: string) => access(path).then(() => true, () => false);

function umbrella(root: string, tag: string, policy: ReleasePolicyInput, dryRun = false) {
  const logger = memoryLogger();
  const run = releaseUmbrella({
    workspaceRoot: root, projects: [{ root: 'runtimes/alpha' }], trigger: umbrellaTrigger(undefined, tag),
    overridableTags: DEFAULT_OVERRIDABLE_TAGS, dryRun, target: { kind: 'directory', dir: join(root, 'dist', 'registry') },
    env: {}, renderer: 'silent', logger, policy: normalizeReleasePolicy(policy),
  });
  return { run, logger };
}

describe('the changelog gate in a real umbrella release', () => {
  it('refuses v1.1.0 without its changelog section and upgrade notes, changing nothing; releases it once they are committed', async () => {
    const { root } = await gitWorkspace(runtimeFiles('alpha', '1.1.0'), { origin: true });
    await git(root, ['tag', '-a', '-m', 'Release v1.0.0', 'v1.0.0']);
    await git(root, ['tag', '-a', '-m', 'Release v1.1.0', 'v1.1.0']);
    const policy = { signedTags: { stable: 'optional' as const } };
    const refused = await umbrella(root, 'v1.1.0', policy).run.catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain('the release policy refuses v1.1.0');
    expect((refused as Error).message).toContain('changelog gate: CHANGELOG.md');
    expect(await exists(join(root, 'dist/registry'))).toBe(false);
    expect(await git(root, ['tag', '--list', 'alpha@*'])).toBe('');

    // A MINOR step after v1.0.0: the changelog section alone is not enough, the upgrade notes must mention it.
    await writeFile(join(root, 'CHANGELOG.md'), `# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-11-27\n\n### Added\n- alpha\n\n[Unreleased]: ${REPO}/compare/v1.1.0...HEAD\n[1.1.0]: ${REPO}/compare/v1.0.0...v1.1.0\n`);
    await commitAll(root, 'changelog');
    await git(root, ['tag', '-f', '-a', '-m', 'Release v1.1.0', 'v1.1.0']);
    const notes = await umbrella(root, 'v1.1.0', policy).run.catch((e: Error) => e);
    expect((notes as Error).message).toMatch(/1 problem\(s\)\n.*docs\/upgrading\.md/);

    await mkdir(join(root, 'docs'));
    await writeFile(join(root, 'docs/upgrading.md'), '# Upgrading\n\n## 1.1.0\n\nNothing to do.\n');
    await commitAll(root, 'upgrade notes');
    await git(root, ['push', '-q', 'origin', 'main']);
    await git(root, ['tag', '-f', '-a', '-m', 'Release v1.1.0', 'v1.1.0']);
    const ok = umbrella(root, 'v1.1.0', policy);
    await expect(ok.run).resolves.toMatchObject({ status: 'released', tag: 'v1.1.0' });
    expect(ok.logger.lines.join('\n')).toContain('changelog gate: 1.1.0 has its changelog section and notes');
    const registry = JSON.parse(await readFile(join(root, 'dist/registry/registry.json'), 'utf8'));
    expect(JSON.stringify(registry)).toContain('alpha-1.1.0.tar.gz');
  }, 300_000); // a real release; slow on a loaded 2-core machine

  it('gates a project release when the scope says projects, reading the project\'s own changelog at the commit', async () => {
    const { root } = await gitWorkspace(runtimeFiles('alpha', '1.0.0'));
    const policy = normalizeReleasePolicy({ changelog: { scope: 'projects' } });
    const options = { workspaceRoot: root, projectRoot: 'runtimes/alpha', target: { kind: 'directory' as const, dir: join(root, 'dist/registry') }, dryRun: true, env: {}, logger: memoryLogger(), renderer: 'silent' as const, policy };
    await expect(releaseProject(options)).rejects.toThrow(/the release policy refuses alpha@1\.0\.0: 1 problem\(s\)\n.*runtimes\/alpha\/CHANGELOG\.md does not exist/);
    // In the working tree only: the gate reads the commit, so it still refuses.
    await writeFile(join(root, 'runtimes/alpha/CHANGELOG.md'), `## [Unreleased]\n\n## [1.0.0] - 2026-11-27\n\n- first\n\n[1.0.0]: ${REPO}/releases/tag/alpha@1.0.0\n`);
    await expect(releaseProject(options)).rejects.toThrow(/CHANGELOG\.md does not exist/);
    await commitAll(root, 'changelog');
    await expect(releaseProject(options)).resolves.toMatchObject({ status: 'planned', tag: 'alpha@1.0.0' });
  });

  it('refuses to judge the step in a shallow clone, which may lack the previous version\'s tag; a full clone passes', async () => {
    const { root } = await gitWorkspace({
      ...runtimeFiles('alpha', '1.0.0'),
      'runtimes/alpha/CHANGELOG.md': `## [Unreleased]\n\n## [1.0.0] - 2026-11-27\n\n- first\n\n[1.0.0]: ${REPO}/releases/tag/alpha@1.0.0\n`,
    });
    const policy = normalizeReleasePolicy({ changelog: { scope: 'projects' } });
    const release = (workspaceRoot: string) => releaseProject({
      workspaceRoot, projectRoot: 'runtimes/alpha', target: { kind: 'directory', dir: join(workspaceRoot, 'dist/registry') }, dryRun: true, env: {}, logger: memoryLogger(), renderer: 'silent', policy,
    });
    const shallow = join(await testdir(), 'clone');
    await git(root, ['clone', '-q', '--depth', '1', `file://${root}`, shallow]);
    await expect(release(shallow)).rejects.toThrow(/changelog gate: cannot tell the version before 1\.0\.0: this clone is shallow[\s\S]*git fetch --tags --unshallow/);
    await expect(release(root)).resolves.toMatchObject({ status: 'planned', tag: 'alpha@1.0.0' });
  });
});

describe('signed stable tags in the umbrella preflight', () => {
  const env = { ...process.env, ...GIT_ENV };
  const policy = { changelog: { scope: 'none' as const } };

  /** A workspace whose origin/main holds the trusted signers, with the tags `sign` makes on HEAD. */
  async function signedWorkspace(signers: Record<string, string>) {
    const { root } = await gitWorkspace({ ...runtimeFiles('alpha', '1.0.0'), ...signers }, { origin: true });
    return root;
  }

  it('SSH: accepts a tag by an allowed signer; refuses unsigned, unknown-signer and altered tags before changing anything', async () => {
    const alice = await sshTestKey('alice');
    const mallory = await sshTestKey('mallory');
    const root = await signedWorkspace({ '.github/allowed_signers': `alice@x.invalid namespaces="git" ${alice.publicKey}\n` });
    await createSignedTag(root, 'v1.0.0', 'Release v1.0.0', { format: 'ssh', key: alice.key, env });
    await git(root, ['tag', '-a', '-m', 'Release v1.0.1', 'v1.0.1']);
    await createSignedTag(root, 'v1.0.2', 'Release v1.0.2', { format: 'ssh', key: mallory.key, env });
    await forgeTag(root, env, 'v1.0.0', 'v1.0.3');

    const ok = umbrella(root, 'v1.0.0', policy, true);
    await expect(ok.run).resolves.toMatchObject({ status: 'planned' });
    expect(ok.logger.lines.join('\n')).toContain('v1.0.0 has a good SSH signature by alice@x.invalid');
    await expect(umbrella(root, 'v1.0.1', policy).run).rejects.toThrow(/v1\.0\.1 must be signed by a trusted signer: v1\.0\.1 is not signed\n\s+fix: /);
    await expect(umbrella(root, 'v1.0.2', policy).run).rejects.toThrow(new RegExp(`v1\\.0\\.2 must be signed by a trusted signer: .*${mallory.fingerprint.replace(/[+/]/g, '.')}`));
    await expect(umbrella(root, 'v1.0.3', policy).run).rejects.toThrow(/v1\.0\.3 must be signed by a trusted signer: .*incorrect signature/);
    // A stable tag that does not exist yet is refused too, with how to make it.
    await expect(umbrella(root, 'v1.0.4', policy).run).rejects.toThrow(/v1\.0\.4 must be a signed tag, and this clone has no tag v1\.0\.4\n\s+fix: create it signed/);
    expect(await exists(join(root, 'dist/registry'))).toBe(false);
    // A release candidate need not be signed by default; requiring it is configuration.
    await git(root, ['tag', '-a', '-m', 'rc', 'v1.1.0-rc.1']);
    await expect(umbrella(root, 'v1.1.0-rc.1', policy, true).run).resolves.toMatchObject({ status: 'planned' });
    await expect(umbrella(root, 'v1.1.0-rc.1', { ...policy, signedTags: { prerelease: 'required' } }, true).run).rejects.toThrow(/v1\.1\.0-rc\.1 is not signed/);
  }, 400_000);

  it('GPG: accepts a tag by a key in signers.asc; refuses unsigned, unknown-signer and altered tags', async () => {
    const alice = await gpgTestKey('Alice <alice@x.invalid>', env);
    const mallory = await gpgTestKey('Alice <alice@x.invalid>', env);
    const root = await signedWorkspace({ '.github/signers.asc': `${alice.publicKey}\n` });
    await createSignedTag(root, 'v1.0.0', 'Release v1.0.0', { format: 'gpg', key: alice.fingerprint, env: alice.env });
    await git(root, ['tag', '-a', '-m', 'Release v1.0.1', 'v1.0.1']);
    await createSignedTag(root, 'v1.0.2', 'Release v1.0.2', { format: 'gpg', key: mallory.fingerprint, env: mallory.env });
    await forgeTag(root, env, 'v1.0.0', 'v1.0.3');

    const ok = umbrella(root, 'v1.0.0', policy, true);
    await expect(ok.run).resolves.toMatchObject({ status: 'planned' });
    expect(ok.logger.lines.join('\n')).toContain(`good GPG signature by Alice <alice@x.invalid> (${alice.fingerprint})`);
    await expect(umbrella(root, 'v1.0.1', policy).run).rejects.toThrow(/v1\.0\.1 is not signed/);
    await expect(umbrella(root, 'v1.0.2', policy).run).rejects.toThrow(new RegExp(`signed by GPG key ${mallory.fingerprint}, which is not among the trusted signers`));
    await expect(umbrella(root, 'v1.0.3', policy).run).rejects.toThrow(/v1\.0\.3 must be signed by a trusted signer: .*does not match/);
  }, 400_000); // key generation and a packing dry run; slow on a loaded 2-core machine

  it('reads the signers from origin/main, not from the tagged commit', async () => {
    const alice = await sshTestKey('alice');
    const root = await signedWorkspace({});
    // The tag's own commit lists its signer, but the protected branch does not.
    await mkdir(join(root, '.github'));
    await writeFile(join(root, '.github/allowed_signers'), `alice@x.invalid ${alice.publicKey}\n`);
    await commitAll(root, 'self-trust');
    await createSignedTag(root, 'v1.0.0', 'Release v1.0.0', { format: 'ssh', key: alice.key, env });
    await expect(umbrella(root, 'v1.0.0', policy, true).run).rejects.toThrow(/not among the trusted signers|no trusted signer/);
  });
});

describe('readReleasePolicy', () => {
  it('reads policy from the root project.json release options, with defaults and named errors', async () => {
    const { root } = await gitWorkspace({});
    expect(await readReleasePolicy(root)).toMatchObject({ changelog: { scope: 'umbrella' }, signedTags: { stable: 'required', prerelease: 'optional' }, signersRef: 'origin/main' });
    await writeFile(join(root, 'project.json'), JSON.stringify({ targets: { release: { options: { policy: { changelog: { scope: 'both' }, signedTags: { prerelease: 'required' } } } } } }));
    expect(await readReleasePolicy(root)).toMatchObject({ changelog: { scope: 'both' }, signedTags: { stable: 'required', prerelease: 'required' } });
    await writeFile(join(root, 'project.json'), JSON.stringify({ targets: { release: { options: { policy: { signedTags: { stable: 'maybe' } } } } } }));
    await expect(readReleasePolicy(root)).rejects.toThrow('project.json (targets.release.options.policy): signed tag setting stable "maybe" is not "required" or "optional"');
  });
});
