import type { ExecutorContext } from '@nx/devkit';
import { formatIssues } from '@runway/manifest';
import { validateProject } from '@runway/project-files';
import { projectRootOf } from '../executor-io';
import type { ValidateExecutorSchema } from './schema';

/** Reports every problem of the project at once; fails on errors (or warnings with `strict`). */
export default async function validateExecutor(options: ValidateExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectRoot = projectRootOf(context);
  const { errors, warnings } = await validateProject(context.root, projectRoot);
  const issues = [...errors, ...warnings];
  if (issues.length > 0) console.error(formatIssues(issues));
  const failed = errors.length > 0 || (options.strict === true && warnings.length > 0);
  console.log(failed
    ? `${context.projectName}: ${errors.length} error(s), ${warnings.length} warning(s)`
    : `${context.projectName}: valid${warnings.length ? ` (${warnings.length} warning(s))` : ''}`);
  return { success: !failed };
}
