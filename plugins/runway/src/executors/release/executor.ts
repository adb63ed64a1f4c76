import type { ExecutorContext } from '@nx/devkit';
import { formatError } from '@runway/errors';
import { redactingLogger, secretsFrom, streamLogger } from '@runway/log';
import { releaseProject, resolveReleaseTarget } from '@runway/release';
import type { ReleaseExecutorSchema } from './schema';

/** `nx run <runtime>:release [--dryRun]`: thin wiring around `releaseProject`. */
export default async function releaseExecutor(options: ReleaseExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const env = process.env;
  const logger = redactingLogger(streamLogger(), secretsFrom(env));
  try {
    const outcome = await releaseProject({
      workspaceRoot: context.root,
      projectRoot: context.projectsConfigurations.projects[context.projectName!].root,
      target: resolveReleaseTarget(env, context.root, { registryDir: options.registryDir, baseUrl: options.baseUrl }),
      dryRun: options.dryRun === true,
      env,
      logger,
      ref: env.GITHUB_REF,
    });
    logger.info(`${outcome.tag || outcome.project}: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`);
    return { success: true };
  } catch (err) {
    logger.error(formatError(err).replace(/^error: /, ''));
    return { success: false };
  }
}
