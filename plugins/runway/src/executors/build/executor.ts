import { relative, resolve } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { formatIssues } from '@runway/manifest';
import { readManifest } from '@runway/project-files';
import { buildPackage } from '@runway/pack';
import { executorLogger, projectRootOf, reportFailure } from '../executor-io';
import type { BuildExecutorSchema } from './schema';

/**
 * Packs what git tracks in the project (the index's entries and modes, the content on disk) into
 * `<outputPath>/<name>-<version>.tar.gz` plus its `.sha256`. Everything that decides the bytes is
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
    return { success: true };
  } catch (err) {
    return reportFailure(logger, err);
  }
}
