import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { UserError } from '@runway/errors';
import { buildEnvironments, hasEnvironment, parseLock, serializeLock } from '@runway/debian-env';
import { readFilesAt } from '@runway/git';
import { DEBIAN_LOCK_FILE } from '@runway/manifest';
import { formatChecksumLine } from '@runway/pack';
import type { Step } from '../step';
import type { BuiltEnvironmentAssets, LocalAsset, ReleaseContext } from '../release-context';

/**
 * Builds the runtime's prebuilt environments from the release commit: the manifest validated
 * there and `debian.lock.json` as committed (never the working tree), one per prebuilt platform
 * this machine can build (the others are named in one warning each and left unpublished). Each is
 * smoke-tested inside the fresh environment by `@runway/debian-env` before it is packed; its
 * tarball, `.sha256`, lock and SBOM join the release's assets after the package's. Read-only
 * outside the run's scratch directory, so it belongs to the preflight.
 */
export const buildEnvironmentsStep: Step<ReleaseContext> = {
  name: 'building environments',
  mutates: false,
  skip: (ctx) => ctx.facts.notConcerned ?? (ctx.facts.manifest && !hasEnvironment(ctx.facts.manifest) ? `${ctx.facts.manifest.name} has no prebuilt environment` : undefined),
  async run(ctx) {
    const manifest = ctx.facts.manifest!;
    const { workspaceRoot, projectRoot, env } = ctx.options;
    const commit = ctx.facts.source!.commit;
    const lockPath = `${projectRoot}/${DEBIAN_LOCK_FILE}`;
    const lockText = (await readFilesAt(workspaceRoot, commit, [lockPath])).get(lockPath)?.content;
    if (lockText === undefined) {
      // validate refuses this already; kept so a future rule change cannot publish without a lock.
      throw new UserError(`${lockPath} is not in commit ${commit.slice(0, 12)}, so ${manifest.name}'s environments cannot be built`, {
        hint: `run node packages/debian-env/bin/debian-env.js lock ${projectRoot}, commit the lock, and release again`,
      });
    }
    const { built, skipped } = await buildEnvironments({
      projectDir: join(workspaceRoot, projectRoot), manifest, lock: parseLock(lockText), outDir: join(ctx.workDir, 'environments'),
      sourceDateEpoch: env.SOURCE_DATE_EPOCH, logger: ctx.logger,
      // Kept verified root filesystems (off unless set): CI jobs and test runs that build one lock several times.
      rootfsCacheDir: env.RUNWAY_DEBIAN_ROOTFS_CACHE || undefined,
      // Kept finished environments (off unless set): one build per lock in a test suite; the sha256 is checked on reuse.
      buildCacheDir: env.RUNWAY_DEBIAN_BUILD_CACHE || undefined,
    });
    for (const { platform, reason } of skipped) ctx.logger.warn(`${manifest.name}@${manifest.version} is released without its ${platform} environment: ${reason}`);
    const environments = built.map((b): BuiltEnvironmentAssets => ({
      platform: b.platform,
      tarball: { name: b.fileName, path: b.path, sha256: b.sha256, size: b.size },
      checksumFile: fromText(b.sha256File, formatChecksumLine(b.sha256, b.fileName)),
      lock: fromText(b.lockFile, serializeLock(b.lock)),
      sbom: { name: basename(b.sbomFile), path: b.sbomFile, sha256: b.sbomSha256, size: b.sbomSize },
    }));
    ctx.facts.environments = environments;
    ctx.facts.assets = [...ctx.facts.assets!, ...environments.flatMap((e) => [e.tarball, e.checksumFile, e.lock, e.sbom])];
    ctx.facts.buildInputs = [{ name: lockPath, sha256: createHash('sha256').update(lockText).digest('hex') }];
  },
};

/** An asset the builder wrote from `content` (its own serialisers): hashed from memory; publishing re-hashes every copy. */
function fromText(path: string, content: string): LocalAsset {
  return { name: basename(path), path, sha256: createHash('sha256').update(content).digest('hex'), size: Buffer.byteLength(content) };
}
