import { relative, resolve } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { formatError, UserError } from '@runway/errors';
import { formatIssues } from '@runway/manifest';
import { readManifest } from '@runway/project-files';
import { buildPackage } from '@runway/pack';
import { projectRootOf } from '../executor-io';
import type { BuildExecutorSchema } from './schema';

/**
 * Packs the project into `<outputPath>/<name>-<version>.tar.gz` plus its `.sha256`. The archive mtime
 * comes from `SOURCE_DATE_EPOCH` (an input of the inferred target, so the cache key follows it).
 */
export default async function buildExecutor(options: BuildExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectRoot = projectRootOf(context);
  const { manifest, errors } = await readManifest(context.root, projectRoot);
  if (!manifest) {
    console.error(formatIssues(errors));
    return { success: false };
  }
  try {
    const built = await buildPackage({
      projectDir: resolve(context.root, projectRoot),
      name: manifest.name,
      version: manifest.version,
      outDir: resolve(context.root, options.outputPath),
      sourceDateEpoch: process.env.SOURCE_DATE_EPOCH,
    });
    console.log(`${relative(context.root, built.path)}  sha256:${built.sha256}  ${built.size} bytes`);
    return { success: true };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    console.error(formatError(err));
    return { success: false };
  }
}
