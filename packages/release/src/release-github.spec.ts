import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { memoryLogger } from '@runway/log';
import { releaseProject } from './release-project';
import { releaseSteps } from './steps';
import { githubFixture, type GitHubFixture } from './testing/github-fixture';
import { payloadFiles, runtimeFiles } from './testing/fixtures';
import type { ReleaseOptions } from './types';

function options(fx: GitHubFixture, projectRoot: string, overrides: Partial<ReleaseOptions> = {}): ReleaseOptions {
  return { workspaceRoot: fx.root, projectRoot, dryRun: false, env: {}, renderer: 'silent', logger: memoryLogger(), target: fx.target, github: fx.api(), ...overrides };
}

async function originHead(fx: GitHubFixture): Promise<string> {
  return (await execa('git', ['rev-parse', 'main'], { cwd: fx.bare })).stdout;
}

describe('releaseProject to GitHub', () => {
  it('drafts, uploads, pushes the registry, publishes, verifies; a re-run is a no-op', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const outcome = await releaseProject(options(fx, 'runtimes/alpha'));
    expect(outcome.status).toBe('released');
    const [release] = fx.server.state.releases;
    expect(release).toMatchObject({ tagName: 'alpha@1.0.0', draft: false });
    expect(release.assets.map((a) => a.name).sort()).toEqual(['alpha-1.0.0.cdx.json', 'alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256']);
    const entry = (await fx.originRegistry())!.runtimes.alpha['1.0.0'];
    expect(entry.download_url).toBe(`${fx.server.url}/acme/runtimes/releases/download/alpha%401.0.0/alpha-1.0.0.tar.gz`);
    expect(entry.checksum).toBe(`sha256:${outcome.assets[0].sha256}`);
    // sbom_url is the SBOM asset's browser_download_url as the API reports it, holding the SBOM built.
    const sbomAsset = (await fx.api().findReleaseByTag('alpha@1.0.0'))!.assets.find((a) => a.name === 'alpha-1.0.0.cdx.json')!;
    expect(entry.sbom_url).toBe(sbomAsset.downloadUrl);
    expect(sbomAsset.digest).toBe(`sha256:${outcome.assets[2].sha256}`);
    await fx.assertInvariants();
    expect(fx.server.violations).toEqual([]);

    const head = await originHead(fx);
    const again = await releaseProject(options(fx, 'runtimes/alpha'));
    expect(again.status).toBe('already-released');
    expect(await originHead(fx)).toBe(head);
    expect(fx.server.state.releases).toHaveLength(1);
  });

  it('releases a payload through the same steps, recorded under payloads in the pushed registry', async () => {
    const fx = await githubFixture({ ...runtimeFiles('alpha'), ...payloadFiles('web') });
    await releaseProject(options(fx, 'runtimes/alpha'));
    const outcome = await releaseProject(options(fx, 'payloads/web'));
    expect(outcome).toMatchObject({ tag: 'web@0.1.0', status: 'released' });
    const release = fx.server.state.releases.find((r) => r.tagName === 'web@0.1.0')!;
    expect(release.draft).toBe(false);
    expect(release.assets.map((a) => a.name).sort()).toEqual(['web-0.1.0.cdx.json', 'web-0.1.0.tar.gz', 'web-0.1.0.tar.gz.sha256']);
    const registry = (await fx.originRegistry())!;
    expect(Object.keys(registry.runtimes)).toEqual(['alpha']);
    expect(registry.payloads!.web['0.1.0'].checksum).toBe(`sha256:${outcome.assets[0].sha256}`);
    await fx.assertInvariants();
    expect(fx.server.violations).toEqual([]);
    const head = await originHead(fx);
    expect((await releaseProject(options(fx, 'payloads/web'))).status).toBe('already-released');
    expect(await originHead(fx)).toBe(head);
  });

  it('refuses changed content under a published version', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const first = await releaseProject(options(fx, 'runtimes/alpha'));
    await writeFile(join(fx.root, 'runtimes/alpha/setup.sh'), '#!/bin/sh\necho changed\n');
    const err = await releaseProject(options(fx, 'runtimes/alpha')).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`sha256:${first.assets[0].sha256}`);
    expect(err.hint).toContain('bump "version" in runtimes/alpha/manifest.yaml');
    expect(fx.server.state.releases[0].assets.find((a) => a.name === 'alpha-1.0.0.tar.gz')!.digest).toBe(`sha256:${first.assets[0].sha256}`);
  });

  it('dry-run changes nothing on the server, the origin or the workspace', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const head = await originHead(fx);
    const status = (await execa('git', ['status', '--porcelain', '--ignored'], { cwd: fx.root })).stdout;
    const logger = memoryLogger();
    const outcome = await releaseProject(options(fx, 'runtimes/alpha', { dryRun: true, logger }));
    expect(outcome.status).toBe('planned');
    expect(fx.server.state.releases).toEqual([]);
    expect(fx.server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(await originHead(fx)).toBe(head);
    expect((await execa('git', ['status', '--porcelain', '--ignored'], { cwd: fx.root })).stdout).toBe(status);
    const plan = logger.lines.join('\n');
    expect(plan).toContain('create draft release alpha@1.0.0');
    expect(plan).toContain('upload asset alpha-1.0.0.tar.gz');
    expect(plan).toContain(`upload asset alpha-1.0.0.cdx.json (${outcome.assets[2].size} bytes, sha256:${outcome.assets[2].sha256})`);
    expect(plan).toContain('commit registry.json (add alpha 1.0.0 to runtimes) and push to main');
    expect(plan).toContain('publish release alpha@1.0.0 (draft → false)');
    expect(plan).toContain('+    "alpha": {');
  });

  it.each(releaseSteps.map((s) => s.name))('converges after a crash right after "%s"', async (stepName) => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const crash = new Error(`crash after ${stepName}`);
    await expect(releaseProject(options(fx, 'runtimes/alpha'), {
      afterStep: (step) => { if (step.name === stepName) throw crash; },
    })).rejects.toBe(crash);
    await fx.assertInvariants();
    const rerun = await releaseProject(options(fx, 'runtimes/alpha'));
    expect(['released', 'already-released']).toContain(rerun.status);
    await fx.assertInvariants();
    expect(fx.server.state.releases).toMatchObject([{ tagName: 'alpha@1.0.0', draft: false }]);
    expect((await fx.originRegistry())!.runtimes.alpha['1.0.0'].checksum).toBe(`sha256:${rerun.assets[0].sha256}`);
  });

  it('converges within three re-runs with 30% of GitHub requests failing, invariants holding after every run', async () => {
    const names = ['f0', 'f1', 'f2', 'f3'];
    const fx = await githubFixture(Object.assign({}, ...names.map((n) => runtimeFiles(n))), { rate: 0.3, seed: 7 });
    for (const name of names) {
      let done = false;
      for (let run = 0; run < 4 && !done; run++) {
        done = await releaseProject(options(fx, `runtimes/${name}`)).then(() => true, (err) => {
          if (err instanceof UserError && !/temporar|retr|5\d\d|rate/i.test(err.message)) throw err;
          return false;
        });
        await fx.assertInvariants();
      }
      expect(done, `${name} released within 1 + 3 runs`).toBe(true);
    }
    fx.server.setFaults(undefined);
    const registry = (await fx.originRegistry())!;
    expect(Object.keys(registry.runtimes).sort()).toEqual(names);
    // Each release holds exactly its package, checksum file and SBOM: no duplicates or leftovers from failed uploads.
    for (const r of fx.server.state.releases) {
      const version = r.tagName.split('@')[1];
      const stem = `${r.tagName.split('@')[0]}-${version}`;
      expect(r.draft, r.tagName).toBe(false);
      expect(r.assets.map((a) => a.name).sort(), r.tagName).toEqual([`${stem}.cdx.json`, `${stem}.tar.gz`, `${stem}.tar.gz.sha256`]);
    }
  });
});
