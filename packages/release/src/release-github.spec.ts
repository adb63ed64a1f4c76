import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { memoryLogger } from '@runway/log';
import { releaseProject } from './release-project';
import { releaseSteps } from './steps';
import { commitAll, git } from './testing/fixtures';
import { githubFixture, type GitHubFixture } from './testing/github-fixture';
import { payloadFiles, runtimeFiles } from './testing/fixtures';
import { treeHash } from '@runway/test-utils';
import type { ReleaseOptions } from './types';

function options(fx: GitHubFixture, projectRoot: string, overrides: Partial<ReleaseOptions> = {}): ReleaseOptions & { logger: ReturnType<typeof memoryLogger> } {
  return { workspaceRoot: fx.root, projectRoot, dryRun: false, env: {}, renderer: 'silent', target: fx.target, github: fx.api(), ...overrides, logger: memoryLogger() };
}

async function originHead(fx: GitHubFixture): Promise<string> {
  return git(fx.bare, ['rev-parse', 'main']);
}

describe('releaseProject to GitHub', () => {
  it('tags the built commit on origin first, then drafts, uploads, publishes, verifies the public URL, and only then pushes the registry entry', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const built = await git(fx.root, ['rev-parse', 'HEAD']);
    const opts = options(fx, 'runtimes/alpha');
    const outcome = await releaseProject(opts);
    expect(outcome).toMatchObject({ status: 'released', commit: built });
    // The tag is on origin at the commit that was built, not at the registry commit pushed after it.
    expect(await fx.originTag('alpha@1.0.0')).toBe(built);
    expect(await originHead(fx)).not.toBe(built);
    const [release] = fx.server.state.releases;
    expect(release).toMatchObject({ tagName: 'alpha@1.0.0', draft: false, targetCommitish: built });
    expect(release.assets.map((a) => a.name).sort()).toEqual(['SHA256SUMS', 'alpha-1.0.0.cdx.json', 'alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256']);
    const entry = (await fx.originRegistry())!.runtimes.alpha['1.0.0'];
    expect(entry.download_url).toBe(`${fx.server.url}/acme/runtimes/releases/download/alpha%401.0.0/alpha-1.0.0.tar.gz`);
    expect(entry.checksum).toBe(`sha256:${outcome.assets[0].sha256}`);
    const sbomAsset = release.assets.find((a) => a.name === 'alpha-1.0.0.cdx.json')!;
    expect(sbomAsset.digest).toBe(`sha256:${outcome.assets[2].sha256}`);
    expect(entry.sbom_url).toBe(`${fx.server.url}/acme/runtimes/releases/download/alpha%401.0.0/alpha-1.0.0.cdx.json`);
    // The order of the writes, as the server saw them.
    const writes = fx.server.requests.filter((r) => r.method !== 'GET' && r.status < 300).map((r) => `${r.method} ${r.path.replace(/\/\d+/g, '/:id')}`);
    expect(writes).toEqual([
      'POST /api/v3/repos/acme/runtimes/releases',
      'POST /api/uploads/repos/acme/runtimes/releases/:id/assets', 'POST /api/uploads/repos/acme/runtimes/releases/:id/assets', 'POST /api/uploads/repos/acme/runtimes/releases/:id/assets',
      'POST /api/uploads/repos/acme/runtimes/releases/:id/assets',
      'PATCH /api/v3/repos/acme/runtimes/releases/:id',
    ]);
    const log = opts.logger.lines.join('\n');
    expect(log.indexOf('pushed tag alpha@1.0.0')).toBeLessThan(log.indexOf('created draft release'));
    expect(log.indexOf('published release alpha@1.0.0')).toBeLessThan(log.indexOf(`verified ${entry.download_url}`));
    expect(log.indexOf(`verified ${entry.download_url}`)).toBeLessThan(log.indexOf('pushed registry.json'));
    await fx.assertConverged();

    const head = await originHead(fx);
    const again = await releaseProject(options(fx, 'runtimes/alpha'));
    expect(again.status).toBe('already-released');
    expect(await originHead(fx)).toBe(head);
    expect(fx.server.state.releases).toHaveLength(1);
    fx.server.assertNoViolations();
  });

  it('an already released version is a no-op from a later commit too (run-many on main), its tag untouched', async () => {
    const fx = await githubFixture({ ...runtimeFiles('alpha'), ...runtimeFiles('beta', '2.0.0') });
    const first = await git(fx.root, ['rev-parse', 'HEAD']);
    await releaseProject(options(fx, 'runtimes/alpha'));
    // Only beta changes; main moves on (the registry commit and this one).
    await git(fx.root, ['pull', '-q', '--rebase', 'origin', 'main']);
    await writeFile(join(fx.root, 'runtimes/beta/setup.sh'), '#!/bin/sh\necho beta 2\n');
    await writeFile(join(fx.root, 'runtimes/beta/manifest.yaml'), 'name: beta\nversion: 2.0.1\ndescription: "beta"\nplatforms:\n  - ubuntu-amd64\n');
    const next = await commitAll(fx.root);
    await git(fx.root, ['push', '-q', 'origin', 'main']);
    expect((await releaseProject(options(fx, 'runtimes/alpha'))).status).toBe('already-released');
    expect((await releaseProject(options(fx, 'runtimes/beta'))).status).toBe('released');
    expect(await fx.originTag('alpha@1.0.0')).toBe(first);
    expect(await fx.originTag('beta@2.0.1')).toBe(next);
    await fx.assertConverged();
  });

  it('refuses, before any change, a version whose tag is on origin at another commit', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const first = await git(fx.root, ['rev-parse', 'HEAD']);
    await git(fx.root, ['push', '-q', 'origin', `${first}:refs/tags/alpha@1.0.0`]);
    await writeFile(join(fx.root, 'README.md'), 'next\n');
    const next = await commitAll(fx.root);
    await git(fx.root, ['push', '-q', 'origin', 'main']);
    const before = fx.server.requests.length;
    const err = await releaseProject(options(fx, 'runtimes/alpha')).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`tag alpha@1.0.0 already exists on origin at commit ${first.slice(0, 12)}, but this release is built from ${next.slice(0, 12)}`);
    expect(fx.server.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(fx.server.state.releases).toEqual([]);
    fx.server.assertNoViolations();
  });

  it('releases a payload through the same steps, recorded under payloads in the pushed registry', async () => {
    const fx = await githubFixture({ ...runtimeFiles('alpha'), ...payloadFiles('web') });
    await releaseProject(options(fx, 'runtimes/alpha'));
    const outcome = await releaseProject(options(fx, 'payloads/web'));
    expect(outcome).toMatchObject({ tag: 'web@0.1.0', status: 'released' });
    const release = fx.server.state.releases.find((r) => r.tagName === 'web@0.1.0')!;
    expect(release.draft).toBe(false);
    const registry = (await fx.originRegistry())!;
    expect(Object.keys(registry.runtimes)).toEqual(['alpha']);
    expect(registry.payloads!.web['0.1.0'].checksum).toBe(`sha256:${outcome.assets[0].sha256}`);
    await fx.assertConverged();
  });

  it('refuses changed content under a published version', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const first = await releaseProject(options(fx, 'runtimes/alpha'));
    await git(fx.root, ['pull', '-q', '--rebase', 'origin', 'main']);
    await writeFile(join(fx.root, 'runtimes/alpha/setup.sh'), '#!/bin/sh\necho changed\n');
    await commitAll(fx.root);
    const err = await releaseProject(options(fx, 'runtimes/alpha')).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`sha256:${first.assets[0].sha256}`);
    expect(err.hint).toContain('bump "version" in runtimes/alpha/manifest.yaml');
    await fx.assertConverged();
  });

  it('dry-run changes nothing on the server, the origin or the workspace', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const head = await originHead(fx);
    const before = await treeHash(fx.root);
    const opts = options(fx, 'runtimes/alpha', { dryRun: true });
    const outcome = await releaseProject(opts);
    expect(outcome.status).toBe('planned');
    expect(fx.server.state.releases).toEqual([]);
    expect(fx.server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(await originHead(fx)).toBe(head);
    expect(await git(fx.bare, ['tag', '--list'])).toBe('');
    expect(await treeHash(fx.root)).toBe(before);
    const plan = opts.logger.lines.join('\n');
    expect(plan).toMatch(/push tag alpha@1\.0\.0 → [0-9a-f]{12} to origin/);
    expect(plan).toContain('create this run\'s draft release alpha@1.0.0');
    expect(plan).toContain(`upload asset alpha-1.0.0.cdx.json (${outcome.assets[2].size} bytes, sha256:${outcome.assets[2].sha256})`);
    expect(plan).toContain('publish release alpha@1.0.0 (draft → false');
    expect(plan).toContain('commit registry.json (add alpha 1.0.0 to runtimes) with registry.json.sig when signing, and push to main');
    expect(plan).toContain('+    "alpha": {');
    fx.server.assertNoViolations();
  });

  it.each(releaseSteps.map((s) => s.name))('keeps the invariants and converges after a crash right after "%s"', async (stepName) => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const crash = new Error(`crash after ${stepName}`);
    await expect(releaseProject(options(fx, 'runtimes/alpha'), {
      afterStep: (step) => { if (step.name === stepName) throw crash; },
    })).rejects.toBe(crash);
    await fx.assertInvariants();
    const rerun = await releaseProject(options(fx, 'runtimes/alpha'));
    expect(['released', 'already-released']).toContain(rerun.status);
    await fx.assertConverged();
    expect(fx.server.state.releases.filter((r) => !r.draft)).toMatchObject([{ tagName: 'alpha@1.0.0' }]);
    expect((await fx.originRegistry())!.runtimes.alpha['1.0.0'].checksum).toBe(`sha256:${rerun.assets[0].sha256}`);
  });

  it('converges within three re-runs with 30% of GitHub requests failing, invariants holding after every run', async () => {
    const names = ['f0', 'f1', 'f2', 'f3'];
    const fx = await githubFixture(Object.assign({}, ...names.map((n) => runtimeFiles(n))), { rate: 0.3, seed: 7 });
    for (const name of names) {
      let done = false;
      for (let run = 0; run < 4 && !done; run++) {
        done = await releaseProject(options(fx, `runtimes/${name}`)).then(() => true, (err) => {
          if (err instanceof UserError && !/temporar|retr|5\d\d|rate|timed? ?out|reset|socket/i.test(err.message)) throw err;
          return false;
        });
        await fx.assertInvariants();
      }
      expect(done, `${name} released within 1 + 3 runs`).toBe(true);
    }
    fx.server.setFaults(undefined);
    await fx.assertConverged();
    const registry = (await fx.originRegistry())!;
    expect(Object.keys(registry.runtimes).sort()).toEqual(names);
    // Each published release holds exactly its package, checksum file and SBOM.
    for (const r of fx.server.state.releases.filter((x) => !x.draft)) {
      const stem = `${r.tagName.split('@')[0]}-${r.tagName.split('@')[1]}`;
      expect(r.assets.map((a) => a.name).sort(), r.tagName).toEqual(['SHA256SUMS', `${stem}.cdx.json`, `${stem}.tar.gz`, `${stem}.tar.gz.sha256`]);
    }
  });
});
