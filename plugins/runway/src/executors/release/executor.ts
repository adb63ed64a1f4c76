import type { ExecutorContext } from '@nx/devkit';
import type { Logger } from '@runway/log';
import { releaseProject, resolveReleaseTarget, type ReleaseSource, type Renderer } from '@runway/release';
import { executorLogger, projectRootOf, reportFailure } from '../executor-io';
import type { ReleaseExecutorSchema } from './schema';

/** Where a release task runs and reports; the batch entry captures output instead of streaming it. */
export interface ReleaseTaskContext {
  workspaceRoot: string;
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** listr2 progress lines (default) or none. */
  renderer?: Renderer;
  /** The commit to release, when the caller already checked the working tree (a batch does, once). */
  source?: ReleaseSource;
}

/**
 * Releases one project and logs its outcome; false (after logging the error without a stack
 * trace) when it failed. Shared by the single-task and the batch entry points.
 */
export async function releaseTask(options: ReleaseExecutorSchema, task: ReleaseTaskContext): Promise<boolean> {
  const { workspaceRoot, projectRoot, env, logger, renderer, source } = task;
  try {
    const outcome = await releaseProject({
      workspaceRoot,
      projectRoot,
      target: resolveReleaseTarget(env, workspaceRoot, { registryDir: options.registryDir, baseUrl: options.baseUrl }),
      dryRun: options.dryRun === true,
      env,
      logger,
      ref: env.GITHUB_REF,
      renderer,
      source,
    });
    logger.info(`${outcome.tag || outcome.project}: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`);
    return true;
  } catch (err) {
    return reportFailure(logger, err).success;
  }
}

/** `nx run <project>:release [--dryRun]`: thin wiring around `releaseProject`. */
export default async function releaseExecutor(options: ReleaseExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const env = process.env;
  const task = { workspaceRoot: context.root, projectRoot: projectRootOf(context), env, logger: executorLogger(env) };
  return { success: await releaseTask(options, task) };
}
