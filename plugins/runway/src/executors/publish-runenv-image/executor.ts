import type { ExecutorContext } from '@nx/devkit';
import { publishRunenvImage } from '@runway/release';
import { executorLogger, projectRootOf, reportFailure } from '../executor-io';
import type { PublishRunenvImageExecutorSchema } from './schema';

/** `nx run <payload>:publish-runenv-image [--dryRun]`: thin wiring around `publishRunenvImage`. */
export default async function publishRunenvImageExecutor(options: PublishRunenvImageExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const env = process.env;
  const logger = executorLogger(env);
  try {
    const outcome = await publishRunenvImage({
      workspaceRoot: context.root,
      projectRoot: projectRootOf(context),
      options, env, logger, now: new Date(),
    });
    if (outcome.status === 'skipped') logger.info(`${context.projectName}: skipped (${outcome.reason})`);
    return { success: true };
  } catch (err) {
    return reportFailure(logger, err);
  }
}
