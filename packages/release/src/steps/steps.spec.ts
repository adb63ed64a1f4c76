import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { environmentSbomFor, serializeSbom } from '@runway/sbom';
import { testdir, tgzBytes } from '@runway/test-utils';
import type { BuiltEnvironmentAssets, LocalAsset, ReleaseContext } from '../release-context';
import type { Step } from '../step';
import { directoryTarget } from '../targets/directory-target';
import { commitAll, gitWorkspace, runtimeFiles } from '../testing/fixtures';
import type { ReleaseOptions } from '../types';
import {
  buildEnvironmentsStep, buildStep, checkPackageStep, planStep, preflightSteps, publishAssetsStep, publishSteps, releaseSteps, sourceStep, tagStep, updateRegistryStep, validateStep, verifyStep,
} from '.';

const now = () => new Date('2026-05-06T07:08:09Z');

async function context(overrides: Partial<ReleaseOptions> = {}): Promise<ReleaseContext> {
  const root = overrides.workspaceRoot ?? (await gitWorkspace(runtimeFiles('alpha'))).root;
  const workDir = await testdir();
  const options = { workspaceRoot: root, projectRoot: 'runtimes/alpha', dryRun: false, env: {}, logger: memoryLogger(), target: { kind: 'directory', dir: join(root, 'reg') }, ...overrides } as ReleaseOptions;
  return { options, logger: options.logger, target: directoryTarget({ dir: join(root, 'reg'), workspaceRoot: root, now }), now, workDir, facts: {} };
}

/** Adds an environment tarball (with the .sha256, lock and SBOM files debian-env writes beside it) to the run, as building environments would. */
async function fakeEnvironment(ctx: ReleaseContext, tarball: Buffer): Promise<BuiltEnvironmentAssets> {
  const dir = join(ctx.workDir, 'environments');
  await mkdir(dir, { recursive: true });
  const sha256 = createHash('sha256').update(tarball).digest('hex');
  const file = async (name: string, content: string | Buffer): Promise<LocalAsset> => {
    await writeFile(join(dir, name), content);
    return { name, path: join(dir, name), sha256: createHash('sha256').update(content).digest('hex'), size: Buffer.byteLength(content) };
  };
  const sbom = serializeSbom(environmentSbomFor({ manifest: ctx.facts.manifest!, platform: 'debian-amd64', package: { fileName: 'alpha-1.0.0-debian-amd64.tar.gz', sha256, size: tarball.length }, components: [] }));
  const environment: BuiltEnvironmentAssets = {
    platform: 'debian-amd64',
    tarball: await file('alpha-1.0.0-debian-amd64.tar.gz', tarball),
    checksumFile: await file('alpha-1.0.0-debian-amd64.tar.gz.sha256', `${sha256}  alpha-1.0.0-debian-amd64.tar.gz\n`),
    lock: await file('alpha-1.0.0-debian-amd64.lock.json', '{"version": 1}\n'),
    sbom: await file('alpha-1.0.0-debian-amd64.cdx.json', sbom),
  };
  ctx.facts.environments = [environment];
  ctx.facts.assets = [...ctx.facts.assets!, environment.tarball, environment.checksumFile, environment.lock, environment.sbom];
  return environment;
}

async function runUpTo(ctx: ReleaseContext, last: Step<ReleaseContext>): Promise<void> {
  for (const step of releaseSteps) {
    if (!step.skip?.(ctx)) await step.run(ctx);
    if (step === last) return;
  }
}

describe('release steps', () => {
  it('have present-participle names; the preflight changes nothing; tagging, publishing and the registry mutate', () => {
    for (const step of releaseSteps) expect(step.name).toMatch(/^[a-z]+ing /);
    expect(preflightSteps.every((s) => !s.mutates)).toBe(true);
    expect(releaseSteps.filter((s) => s.mutates)).toEqual([tagStep, publishAssetsStep, updateRegistryStep]);
    // Verification sits between publishing and the registry entry: the entry is its record.
    expect(publishSteps).toEqual([tagStep, publishAssetsStep, verifyStep, updateRegistryStep]);
  });

  it('validating records the manifest and tag, and marks a foreign tag as not concerned', async () => {
    const ctx = await context({ ref: 'refs/tags/other@1.0.0' });
    await sourceStep.run(ctx);
    await validateStep.run(ctx);
    expect(ctx.facts.tag).toBe('alpha@1.0.0');
    expect(ctx.facts.notConcerned).toMatch(/another project/);
    for (const step of [buildStep, checkPackageStep, planStep, tagStep, publishAssetsStep, updateRegistryStep]) expect(step.skip!(ctx)).toMatch(/another project/);
  });

  it('validates the project as committed: a mode changed only on disk does not count', async () => {
    const { root } = await gitWorkspace(runtimeFiles('alpha'));
    const ctx = await context({ workspaceRoot: root, dryRun: true });
    // An uncommitted chmod -x: the commit still records the script as executable.
    await chmod(join(root, 'runtimes/alpha/setup-ubuntu-amd64.sh'), 0o644);
    await runUpTo(ctx, validateStep);
    expect(ctx.facts.manifest?.name).toBe('alpha');
    // Committed, the missing executable bit is an error.
    await commitAll(root);
    const committed = await context({ workspaceRoot: root });
    await expect(runUpTo(committed, validateStep)).rejects.toThrow(/runtimes\/alpha is not valid/);
  });

  it('building packs the commit into the scratch dir, never dist/ or the working tree', async () => {
    const ctx = await context({ dryRun: true });
    const root = ctx.options.workspaceRoot;
    // A stale build of the same version in dist/ and an uncommitted edit: neither is packed.
    const stale = Buffer.from('stale tarball');
    const dist = join(root, 'dist', 'runtimes', 'alpha');
    await mkdir(dist, { recursive: true });
    await writeFile(join(dist, 'alpha-1.0.0.tar.gz'), stale);
    await writeFile(join(root, 'runtimes/alpha/setup.sh'), '#!/bin/sh\necho not committed\n');
    await runUpTo(ctx, buildStep);
    expect(ctx.facts.assets!.map((a) => a.name)).toEqual(['alpha-1.0.0.tar.gz', 'alpha-1.0.0.tar.gz.sha256', 'alpha-1.0.0.cdx.json']);
    expect(ctx.facts.assets!.every((a) => a.path.startsWith(ctx.workDir))).toBe(true);
    expect(ctx.facts.assets![0].sha256).not.toBe(createHash('sha256').update(stale).digest('hex'));
    const sbom = JSON.parse(await readFile(ctx.facts.assets![2].path, 'utf8'));
    const setup = sbom.components.find((c: { name: string }) => c.name === 'alpha/setup.sh');
    expect(setup.hashes[0].content).toBe(createHash('sha256').update('#!/bin/sh\necho setting up\n').digest('hex'));
  });

  it('unpacking checks the fresh package with the client\'s extractor before planning', async () => {
    const ctx = await context();
    await runUpTo(ctx, checkPackageStep);
    expect(ctx.facts.unpacked).toBe(3); // manifest.yaml, setup.sh, setup-ubuntu-amd64.sh
    expect(ctx.facts.state).toBeUndefined();
  });

  it('planning, tagging, publishing, verifying and updating run for a new release and skip once it is complete', async () => {
    const ctx = await context();
    await runUpTo(ctx, updateRegistryStep);
    expect(ctx.facts.plan!.status).toBe('release');
    expect(ctx.facts.verified).toBe(true);
    expect(ctx.facts.published).toBeDefined();
    const again = await context({ workspaceRoot: ctx.options.workspaceRoot });
    await runUpTo(again, planStep);
    expect(again.facts.plan!.status).toBe('already-released');
    for (const step of [tagStep, publishAssetsStep, updateRegistryStep]) expect(step.skip!(again)).toBe('alpha@1.0.0 is already released with identical content');
    expect(verifyStep.skip!(again)).toMatch(/its registry entry was written only after its download was verified/);
  });

  it('verifying refuses a published SBOM that describes another package', async () => {
    const ctx = await context();
    await runUpTo(ctx, publishAssetsStep);
    const sbomPath = join(ctx.options.workspaceRoot, 'reg', ctx.facts.plan!.entry.sbom_url!);
    const bom = JSON.parse(await readFile(sbomPath, 'utf8'));
    bom.metadata.component.hashes[0].content = 'f'.repeat(64);
    await writeFile(sbomPath, JSON.stringify(bom));
    await expect(verifyStep.run(ctx)).rejects.toThrow(`the SBOM published for alpha@1.0.0 at ${pathToFileURL(sbomPath).href} does not describe the package: it describes sha256:${'f'.repeat(64)}, the registry entry has ${ctx.facts.plan!.entry.checksum}`);
    await writeFile(sbomPath, 'not json');
    await expect(verifyStep.run(ctx)).rejects.toThrow(/does not describe the package: not JSON/);
    expect(ctx.facts.verified).toBeUndefined();
    await rm(sbomPath);
  });

  it('publishes a prebuilt environment with the package and verifies its download, SBOM and lock; refuses other bytes or an unsafe tarball', async () => {
    const ctx = await context();
    await runUpTo(ctx, buildEnvironmentsStep); // alpha has no debian: section: nothing built
    expect(buildEnvironmentsStep.skip!(ctx)).toBe('alpha has no prebuilt environment');
    // An environment as debian-env writes it (its build is specified there), added to this run.
    const environment = await fakeEnvironment(ctx, tgzBytes([{ path: 'alpha/', type: '5' }, { path: 'alpha/runtime.yml', content: 'name: alpha\n' }]));
    for (const step of [checkPackageStep, planStep, tagStep, publishAssetsStep]) await step.run(ctx);
    expect(ctx.facts.plan!.entry.prebuilt).toEqual({ 'debian-amd64': {
      download_url: 'releases/download/alpha@1.0.0/alpha-1.0.0-debian-amd64.tar.gz', checksum: `sha256:${environment.tarball.sha256}`, size: environment.tarball.size,
      lock_url: 'releases/download/alpha@1.0.0/alpha-1.0.0-debian-amd64.lock.json', sbom_url: 'releases/download/alpha@1.0.0/alpha-1.0.0-debian-amd64.cdx.json',
    } });
    const published = (name: string) => join(ctx.options.workspaceRoot, 'reg', 'releases/download/alpha@1.0.0', name);
    await verifyStep.run(ctx);
    expect((ctx.options.logger as ReturnType<typeof memoryLogger>).lines.join('\n')).toContain(`CycloneDX SBOM of alpha@1.0.0, sha256:${environment.tarball.sha256}`);

    const lock = await readFile(published(environment.lock.name));
    await writeFile(published(environment.lock.name), '{"other": "lock"}\n');
    await expect(verifyStep.run(ctx)).rejects.toThrow(/^the file published for alpha@1\.0\.0 at file:\/\/\S+alpha-1\.0\.0-debian-amd64\.lock\.json is not the one built: sha256:[0-9a-f]{64} \(18 bytes\), built sha256:[0-9a-f]{64} \(15 bytes\)$/);
    await writeFile(published(environment.lock.name), lock);
    await writeFile(published(environment.tarball.name), tgzBytes([{ path: 'alpha/runtime.yml', content: 'other\n' }]));
    await expect(verifyStep.run(ctx)).rejects.toThrow(/^refusing file:\/\/\S+\/alpha-1\.0\.0-debian-amd64\.tar\.gz: size mismatch: the registry lists \d+ bytes, the download has \d+$/);

    // Before anything is published: an environment the client would refuse stops the release.
    const unsafe = await context();
    await runUpTo(unsafe, buildEnvironmentsStep);
    await fakeEnvironment(unsafe, tgzBytes([{ path: 'alpha/escape', type: '2', linkpath: '/etc/passwd' }]));
    await expect(checkPackageStep.run(unsafe)).rejects.toThrow(/^the debian-amd64 environment of runtimes\/alpha cannot be installed by the client, so nothing was published: /);
  });

  it('verifying skips in a dry run: nothing was published', async () => {
    const ctx = await context({ dryRun: true });
    await runUpTo(ctx, planStep);
    expect(verifyStep.skip!(ctx)).toBe('dry run: nothing was published to download');
  });
});
