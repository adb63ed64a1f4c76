import { basename, relative, resolve } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { buildEnvironments } from '@runway/debian-env';
import { formatIssues } from '@runway/manifest';
import { readManifest } from '@runway/project-files';
import { buildPackage } from '@runway/pack';
import { executorLogger, projectRootOf, reportFailure } from '../executor-io';
import type { BuildExecutorSchema } from './schema';

/**
 * Packs what git tracks in the project (the index's entries and modes, the content on disk) into
 * `<outputPath>/<name>-<version>.tar.gz` plus its `.sha256`. A runtime with a `debian:` section
 * also gets, for each prebuilt platform this machine can build, its environment
 * `<name>-<version>-<platform>.tar.gz` (+ `.sha256`, `.lock.json`, `.cdx.json` SBOM), smoke-tested
 * before packing; a platform that cannot be built here is skipped with one notice line. Everything that decides the bytes is
 * an input of the inferred target (see `infer-targets.ts`), so a cached result is always the
 * package this command would write.
 */
export default async function buildExecutor(options: BuildExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const logger = executorLogger(process.env);
  try {
    const projectRoot = projectRootOf(context);
    const { manifest, errors } = await readManifest(context.root, projectRoot);
    if (!manifest) {
      logger.info(formatIssues(errors));
      return { success: false };
    }
    const built = await buildPackage({
      projectDir: resolve(context.root, projectRoot),
      name: manifest.name,
      version: manifest.version,
      outDir: resolve(context.root, options.outputPath),
      source: 'working-tree',
      sourceDateEpoch: process.env.SOURCE_DATE_EPOCH,
    });
    logger.info(`${relative(context.root, built.path)}  sha256:${built.sha256}  ${built.size} bytes`);
    // A runtime with a `debian:` section: its prebuilt environments, from the lock beside the manifest.
    const environments = await buildEnvironments({
      projectDir: resolve(context.root, projectRoot), manifest, outDir: resolve(context.root, options.outputPath),
      sourceDateEpoch: process.env.SOURCE_DATE_EPOCH, logger, rootfsCacheDir: process.env.RUNWAY_DEBIAN_ROOTFS_CACHE || undefined,
      buildCacheDir: process.env.RUNWAY_DEBIAN_BUILD_CACHE || undefined,
      // A machine without mmdebstrap or bwrap builds the source package only (the release refuses instead).
      skipWithoutTools: true,
    });
    for (const { platform, reason } of environments.skipped) logger.info(`notice: ${platform} environment skipped: ${reason}`);
    for (const env of environments.built) {
      logger.info(`${relative(context.root, env.path)}  sha256:${env.sha256}  ${env.size} bytes (+ ${basename(env.lockFile)}, ${basename(env.sbomFile)})`);
    }
    return { success: true };
  } catch (err) {
    return reportFailure(logger, err);
  }
}
