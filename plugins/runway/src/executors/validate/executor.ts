import type { ExecutorContext } from '@nx/devkit';
import { formatIssues } from '@runway/manifest';
import { validateProject } from '@runway/project-files';
import { executorLogger, projectRootOf, reportFailure } from '../executor-io';
import type { ValidateExecutorSchema } from './schema';

/**
 * Reports every problem of the project at once; fails on errors (or warnings with `strict`). The
 * file rules judge what git tracks, as the package will hold it. Nx hides the output of tasks that
 * succeed, so the plugin's `postTasksExecution` repeats the warnings after the run.
 */
export default async function validateExecutor(options: ValidateExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const logger = executorLogger(process.env);
  try {
    const { errors, warnings } = await validateProject(context.root, projectRootOf(context));
    const issues = [...errors, ...warnings];
    if (issues.length > 0) logger.info(formatIssues(issues));
    const failed = errors.length > 0 || (options.strict === true && warnings.length > 0);
    logger.info(failed
      ? `${context.projectName}: ${errors.length} error(s), ${warnings.length} warning(s)`
      : `${context.projectName}: valid${warnings.length ? ` (${warnings.length} warning(s))` : ''}`);
    return { success: !failed };
  } catch (err) {
    return reportFailure(logger, err);
  }
}
