import type { ExecutorContext } from '@nx/devkit';
import { formatError } from '@runway/errors';
import { redactingLogger, secretsFrom, streamLogger, type Logger } from '@runway/log';

/** The folder of the project an executor runs for, relative to the workspace root. */
export function projectRootOf(context: ExecutorContext): string {
  return context.projectsConfigurations.projects[context.projectName!].root;
}

/** The logger every executor writes through: stdout/stderr, with the secrets in `env` masked. */
export function executorLogger(env: NodeJS.ProcessEnv): Logger {
  return redactingLogger(streamLogger(), secretsFrom(env));
}

/** Logs a failure (user errors without a stack trace, bugs with one) and returns the executor result. */
export function reportFailure(logger: Logger, err: unknown): { success: false } {
  logger.error(formatError(err).replace(/^error: /, ''));
  return { success: false };
}
