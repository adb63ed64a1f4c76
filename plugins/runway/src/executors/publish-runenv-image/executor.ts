import type { ExecutorContext } from '@nx/devkit';
import { formatError } from '@runway/errors';
import { redactingLogger, secretsFrom, streamLogger } from '@runway/log';
import { publishRunenvImage } from './publish-runenv-image';
import type { PublishRunenvImageExecutorSchema } from './schema';

/** `nx run <payload>:publish-runenv-image [--dryRun]`: thin wiring around `publishRunenvImage`. */
export default async function publishRunenvImageExecutor(options: PublishRunenvImageExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const env = process.env;
  const logger = redactingLogger(streamLogger(), secretsFrom(env));
  try {
    const outcome = await publishRunenvImage({
      workspaceRoot: context.root,
      projectRoot: context.projectsConfigurations.projects[context.projectName!].root,
      options, env, logger, now: new Date(),
    });
    if (outcome.status === 'skipped') logger.info(`${context.projectName}: skipped (${outcome.reason})`);
    return { success: true };
  } catch (err) {
    logger.error(formatError(err).replace(/^error: /, ''));
    return { success: false };
  }
}
