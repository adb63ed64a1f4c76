import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { buildPackage } from '@runway/pack';
import { FakeGitHubApi } from '@runway/publisher-github';
import { testdir } from '@runway/test-utils';
import type { ReleaseContext, Step } from '../step';
import { directoryTarget } from '../targets/directory-target';
import { githubTarget } from '../targets/github-target';
import { runtimeFiles } from '../testing/fixtures';
import type { ReleaseOptions } from '../types';
import { buildStep, finalizeStep, planStep, publishAssetsStep, releaseSteps, updateRegistryStep, validateStep, verifyStep } from '.';

const now = () => new Date('2026-05-06T07:08:09Z');

async function context(overrides: Partial<ReleaseOptions> = {}, target?: ReleaseContext['target']): Promise<ReleaseContext> {
  const root = await testdir(runtimeFiles('alpha'));
  const workDir = await testdir();
  const options = { workspaceRoot: root, projectRoot: 'runtimes/alpha', dryRun: false, env: {}, logger: memoryLogger(), target: { kind: 'directory', dir: join(root, 'reg') }, ...overrides } as ReleaseOptions;
  return { options, logger: options.logger, target: target ?? directoryTarget(join(root, 'reg'), undefined, now), now, workDir, facts: {} };
}

async function runUpTo(ctx: ReleaseContext, last: Step): Promise<void> {
  for (const step of releaseSteps) {
    if (!step.skip?.(ctx)) await step.run(ctx);
    if (step === last) return;
  }
}

describe('release steps', () => {
  it('have present-participle names, and only the publishing ones mutate', () => {
    for (const step of releaseSteps) expect(step.name).toMatch(/^[a-z]+ing /);
    expect(releaseSteps.filter((s) => s.mutates)).toEqual([publishAssetsStep, updateRegistryStep, finalizeStep]);
  });

  it('validating records the manifest and tag, and marks a foreign tag as not concerned', async () => {
    const ctx = await context({ ref: 'refs/tags/other@1.0.0' });
    await validateStep.run(ctx);
    expect(ctx.facts.tag).toBe('alpha@1.0.0');
    expect(ctx.facts.notConcerned).toMatch(/another project/);
    for (const step of [buildStep, planStep, publishAssetsStep, updateRegistryStep, finalizeStep, verifyStep]) expect(step.skip!(ctx)).toMatch(/another project/);
  });

  it('building packs into the scratch dir when dist has no package', async () => {
    const ctx = await context();
    await runUpTo(ctx, buildStep);
    expect(ctx.facts.assets!.map((a) => a.name)).toEqual(['alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256', 'alpha-1.0.0.cdx.json']);
    expect(ctx.facts.assets![0].path.startsWith(ctx.workDir)).toBe(true);
  });

  it('building packs fresh even when dist/ holds a package of that version with a matching .sha256', async () => {
    const ctx = await context();
    // A stale build of the same version from other content (e.g. a bulk release rewrote versions).
    const stale = Buffer.from('stale tarball');
    const staleSha = createHash('sha256').update(stale).digest('hex');
    const dist = join(ctx.options.workspaceRoot, 'dist', 'runtimes', 'alpha');
    await mkdir(dist, { recursive: true });
    await writeFile(join(dist, 'alpha-1.0.0.tar.gz'), stale);
    await writeFile(join(dist, 'alpha-1.0.0.tar.gz.sha256'), `${staleSha}  alpha-1.0.0.tar.gz\n`);
    await runUpTo(ctx, buildStep);
    const fresh = await buildPackage({ projectDir: join(ctx.options.workspaceRoot, 'runtimes', 'alpha'), name: 'alpha', version: '1.0.0', outDir: await testdir(), source: 'working-tree' });
    expect(ctx.facts.assets![0].sha256).not.toBe(staleSha);
    expect(ctx.facts.assets![0]).toMatchObject({ sha256: fresh.sha256, size: fresh.size });
    expect(ctx.facts.assets!.every((a) => a.path.startsWith(ctx.workDir))).toBe(true);
  });

  it('planning, publishing, updating and verifying run for a new release and skip once it is complete', async () => {
    const ctx = await context();
    await runUpTo(ctx, verifyStep);
    expect(ctx.facts.plan!.status).toBe('release');
    expect(ctx.facts.published).toBeDefined();
    const again = await context({ workspaceRoot: ctx.options.workspaceRoot }, ctx.target);
    await runUpTo(again, planStep);
    expect(again.facts.plan!.status).toBe('already-released');
    for (const step of [publishAssetsStep, updateRegistryStep, finalizeStep]) expect(step.skip!(again)).toBe('alpha@1.0.0 is already released with identical content');
    expect(verifyStep.skip!(again)).toBe('alpha@1.0.0 was verified when it was published; its stored assets hash identical to this build');
  });

  it('verifying refuses a published SBOM that describes another package', async () => {
    const ctx = await context();
    await runUpTo(ctx, updateRegistryStep);
    const sbomPath = join(ctx.options.workspaceRoot, 'reg', ctx.facts.published!.sbom_url!);
    const bom = JSON.parse(await readFile(sbomPath, 'utf8'));
    bom.metadata.component.hashes[0].content = 'f'.repeat(64);
    await writeFile(sbomPath, JSON.stringify(bom));
    await expect(verifyStep.run(ctx)).rejects.toThrow(`the SBOM published for alpha@1.0.0 at ${pathToFileURL(sbomPath).href} does not describe the package: it describes sha256:${'f'.repeat(64)}, the registry entry has ${ctx.facts.published!.checksum}`);
    await writeFile(sbomPath, 'not json');
    await rm(join(ctx.workDir, 'verify'), { recursive: true }); // the package is unpacked afresh on each run
    await expect(verifyStep.run(ctx)).rejects.toThrow(/does not describe the package: not JSON/);
  });

  it('verifying skips when nothing was published', async () => {
    const ctx = await context();
    await runUpTo(ctx, planStep);
    expect(verifyStep.skip!(ctx)).toBe('nothing was published in this run');
  });

  it('updating a GitHub registry refuses an entry whose SBOM asset is missing from the release', async () => {
    const api = new FakeGitHubApi();
    const gh = await context({}, githubTarget({ api, serverUrl: 'https://github.com', repository: 'acme/runtimes', workspaceRoot: '/unused', now }));
    await runUpTo(gh, buildStep);
    const [pkg] = gh.facts.assets!;
    const release = await api.createRelease({ tag: 'alpha@1.0.0', name: 'alpha@1.0.0', body: '', draft: true, prerelease: false });
    const uploaded = await api.uploadAsset(release, { name: pkg.name, path: pkg.path });
    const entry = {
      version: '1.0.0', description: 'd', download_url: uploaded.downloadUrl, checksum: `sha256:${pkg.sha256}`, size: pkg.size, platforms: [],
      sbom_url: 'https://github.com/acme/runtimes/releases/download/alpha%401.0.0/alpha-1.0.0.cdx.json',
    };
    await expect(gh.target.updateRegistry('runtimes', 'alpha', entry, gh.logger)).rejects.toThrow('release alpha@1.0.0 does not hold the SBOM alpha-1.0.0.cdx.json; the registry entry is not written');
  });

  it('publishing release skips for a directory and flips a GitHub draft once', async () => {
    const dir = await context();
    await runUpTo(dir, planStep);
    expect(finalizeStep.skip!(dir)).toBe('the directory target has no draft state');

    const api = new FakeGitHubApi();
    await api.createRelease({ tag: 'alpha@1.0.0', name: 'alpha@1.0.0', body: '', draft: true, prerelease: false });
    const gh = await context({}, githubTarget({ api, serverUrl: 'https://github.com', repository: 'acme/runtimes', workspaceRoot: '/unused', now }));
    gh.facts.tag = 'alpha@1.0.0';
    await finalizeStep.run(gh);
    expect((await api.findReleaseByTag('alpha@1.0.0'))!.draft).toBe(false);
    await expect(finalizeStep.run(gh)).rejects.toThrow('release alpha@1.0.0 is already published');
  });
});
