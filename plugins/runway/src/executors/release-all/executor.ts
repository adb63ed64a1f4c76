import type { ExecutorContext } from '@nx/devkit';
import { releaseUmbrella, resolveReleaseTarget, type UmbrellaProject } from '@runway/release';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger } from '@runway/release-policy';
import { executorLogger, reportFailure } from '../executor-io';
import type { ReleaseAllExecutorSchema } from './schema';

/** `nx run runway:release`: the umbrella release of every runtime and payload, or a no-op without an umbrella trigger. */
export default async function releaseAllExecutor(options: ReleaseAllExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const env = process.env;
  const logger = executorLogger(env);
  try {
    const projects: UmbrellaProject[] = Object.values(context.projectsConfigurations.projects)
      .filter((p) => p.tags?.includes('kind:runtime') || p.tags?.includes('kind:payload'))
      .map((p) => ({ root: p.root }))
      .sort((a, b) => a.root.localeCompare(b.root));
    const result = await releaseUmbrella({
      workspaceRoot: context.root,
      projects,
      trigger: umbrellaTrigger(env.GITHUB_REF, options.tag),
      overridableTags: options.overridableTags ?? DEFAULT_OVERRIDABLE_TAGS,
      dryRun: options.dryRun === true,
      target: resolveReleaseTarget(env, context.root, { registryDir: options.registryDir, baseUrl: options.baseUrl }),
      env,
      logger,
    });
    logger.info(result.status === 'nothing-to-do'
      ? `no umbrella trigger (${result.reason}): nothing to do`
      : `umbrella ${result.tag}: ${result.status}, ${result.outcomes.length} package(s)`);
    return { success: true };
  } catch (err) {
    return reportFailure(logger, err);
  }
}
