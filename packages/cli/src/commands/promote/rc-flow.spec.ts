import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseVerificationRecord, VERIFICATION_FILE } from '@runway/release-policy';
import { hostPlatform } from '@runway/runtime-client';
import { nxWorkspace, REPO_ROOT, testdir, treeHash } from '@runway/test-utils';
import { runway } from '../runtime/testing/cli';
import { shellRuntime } from '../runtime/testing/shell-runtime';

const RC = 'v1.0.0-rc.1';
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

/**
 * The maintainer's release-candidate flow end to end, as a user runs it on the directory target:
 * the real `nx` umbrella release of an RC tag, `runway release validate`, `runway promote`
 * (dry run, then for real with a signed stable tag), the client installing the promoted version,
 * validation of the stable release, and a promotion re-run that changes nothing. Every key is made
 * by `runway keys generate`; HOME is empty, so git knows only the clone's own identity.
 */
describe('the RC flow on the directory registry: release an RC with nx, validate it, promote it (real nx, git, keys, client and bubblewrap)', () => {
  it('promotes exactly the validated bytes, which then install and validate as 1.0.0; a second promotion changes nothing', async () => {
    const platform = await hostPlatform();
    const home = await testdir();
    const keys = await testdir();
    for (const [name, comment] of [['release', 'runway-release'], ['maintainer', 'maintainer@runway.invalid']]) {
      const made = await runway(['keys', 'generate', '--out', join(keys, name), '--comment', comment], home);
      expect(made.exitCode, made.stderr).toBe(0);
    }
    const pub = join(keys, 'release.pub');
    const maintainerPub = (await readFile(join(keys, 'maintainer.pub'), 'utf8')).trim();

    // The repository's own root project (umbrella target, default release policy: a stable v tag
    // must be signed by a signer committed on origin/main; the changelog gate on the umbrella).
    const ws = await nxWorkspace({
      'project.json': await readFile(join(REPO_ROOT, 'project.json'), 'utf8'),
      'CHANGELOG.md': '# Changelog\n\n## [1.0.0] - 2026-11-27\n\n### Added\n\n- the shell runtime\n\n[1.0.0]: https://example.invalid/acme/runtimes/releases/tag/v1.0.0\n',
      '.github/allowed_signers': `maintainer@runway.invalid ${maintainerPub}\n`,
      ...(await shellRuntime('shell', platform, '[bash, -c, "echo rc-flow-smoke $BASH_VERSION"]')),
    });
    const origin = await testdir();
    await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    await ws.git(['remote', 'add', 'origin', origin]);
    await ws.git(['push', '-q', '-u', 'origin', 'main']);
    for (const [k, v] of [['user.name', 'Maintainer'], ['user.email', 'maintainer@runway.invalid'], ['gpg.format', 'ssh'], ['user.signingkey', join(keys, 'maintainer')]]) {
      await ws.git(['config', k, v]);
    }
    const head = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const registryDir = join(ws.dir, 'dist', 'registry');
    const download = join(registryDir, 'releases', 'download');
    const rcFolder = join(download, RC);
    // A fresh machine: nothing from the developer's HOME, no GitHub, the release key as a path.
    const fresh = { HOME: home, GIT_CONFIG_NOSYSTEM: '1', RUNWAY_SIGNING_KEY: join(keys, 'release') };
    const cli = (args: string[]) => runway(args, home, { cwd: ws.dir, env: fresh });

    // 1. The RC tag, released by the umbrella target as CI does on a v* tag.
    await ws.git(['tag', RC]);
    const released = await ws.nx(['run', 'runway:release', `--tag=${RC}`], { ...fresh, GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_REF: undefined });
    expect(released.exitCode, released.all).toBe(0);
    expect(await readdir(download)).toEqual([RC]);
    const rcRegistry = JSON.parse(await readFile(join(rcFolder, 'registry.json'), 'utf8'));
    const rcEntry = rcRegistry.runtimes.shell['1.0.0'];
    expect(rcEntry.download_url).toBe('shell-1.0.0.tar.gz');
    const rcPackage = await sha256(join(rcFolder, 'shell-1.0.0.tar.gz'));
    expect(rcEntry.checksum).toBe(`sha256:${rcPackage}`);

    // 2. Validation installs from the RC's own signed registry, runs the smoke command, records the pass.
    const validated = await cli(['release', 'validate', RC, '--key', pub]);
    expect(validated.exitCode, `${validated.stdout}\n${validated.stderr}`).toBe(0);
    expect(validated.stdout).toContain('PASSED runtime shell');
    expect(validated.stdout).toMatch(/ {4}rc-flow-smoke 5\.\d/);
    const record = parseVerificationRecord(await readFile(join(rcFolder, VERIFICATION_FILE), 'utf8'));
    expect(record).toEqual({ tag: RC, commit: head, passed: true, images: {}, assets: { 'shell-1.0.0.tar.gz': rcPackage } });

    // 3. The dry run prints the plan and changes nothing; then the promotion, with a signed v1.0.0.
    const beforeDry = await treeHash(registryDir);
    const refs = (await ws.git(['for-each-ref'])).stdout;
    const dry = await cli(['promote', RC, '--dry-run']);
    expect(dry.exitCode, `${dry.stdout}\n${dry.stderr}`).toBe(0);
    const plan = `${dry.stdout}\n${dry.stderr}`;
    expect(plan).toContain(`promote ${RC} → v1.0.0:`);
    expect(plan).toContain(`create-tag v1.0.0 → ${head.slice(0, 12)} (signed)`);
    expect(plan).toMatch(/publish-release shell@1\.0\.0 at [0-9a-f]{12}: \d+ file\(s\) copied byte-identical from v1\.0\.0-rc\.1/);
    expect(plan).toContain(`add-registry-entry shell@1.0.0 to runtimes (${rcEntry.checksum}, releases/download/shell@1.0.0/shell-1.0.0.tar.gz)`);
    expect(await treeHash(registryDir)).toBe(beforeDry);
    expect((await ws.git(['for-each-ref'])).stdout).toBe(refs);

    const promoted = await cli(['promote', RC]);
    expect(promoted.exitCode, `${promoted.stdout}\n${promoted.stderr}`).toBe(0);
    expect(promoted.stdout).toContain(`promoted ${RC} to v1.0.0`);
    expect((await ws.git(['rev-parse', 'v1.0.0^{commit}'])).stdout).toBe(head);
    // The stable tag verifies against the committed signers.
    await ws.git(['-c', `gpg.ssh.allowedSignersFile=${join(ws.dir, '.github/allowed_signers')}`, 'tag', '-v', 'v1.0.0']);

    // 4. The stable release holds the RC's bytes; the main registry points into it; the client installs it.
    const stablePackage = join(download, 'shell@1.0.0', 'shell-1.0.0.tar.gz');
    expect(await sha256(stablePackage)).toBe(rcPackage);
    const registry = JSON.parse(await readFile(join(registryDir, 'registry.json'), 'utf8'));
    expect(registry.runtimes.shell['1.0.0']).toMatchObject({ checksum: rcEntry.checksum, download_url: 'releases/download/shell@1.0.0/shell-1.0.0.tar.gz' });
    const installed = await cli(['runtime', 'install', 'shell@1.0.0', '--registry', join(registryDir, 'registry.json'), '--key', pub, '--dir', join(home, 'installed')]);
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(installed.stdout).toContain('installed shell@1.0.0');
    const stable = await cli(['release', 'validate', 'v1.0.0', '--key', pub]);
    expect(stable.exitCode, `${stable.stdout}\n${stable.stderr}`).toBe(0);
    expect(stable.stdout).toMatch(/ {4}rc-flow-smoke 5\.\d/);
    expect(parseVerificationRecord(await readFile(join(download, 'v1.0.0', VERIFICATION_FILE), 'utf8'))).toMatchObject({ tag: 'v1.0.0', commit: head, passed: true });

    // 5. Promoting again finds everything in place and changes nothing.
    const beforeAgain = await treeHash(registryDir);
    const refsAgain = (await ws.git(['for-each-ref'])).stdout;
    const again = await cli(['promote', RC]);
    expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(`${again.stdout}\n${again.stderr}`).toContain('already complete, nothing to do');
    expect(await treeHash(registryDir)).toBe(beforeAgain);
    expect((await ws.git(['for-each-ref'])).stdout).toBe(refsAgain);
  }, 600_000);
});
