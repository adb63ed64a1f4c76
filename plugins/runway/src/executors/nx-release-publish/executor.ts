import type { ExecutorContext } from '@nx/devkit';
import releaseExecutor from '../release/executor';
import type { NxReleasePublishExecutorSchema } from './schema';

/**
 * `nx release publish -p <name>`: Nx Release calls this target after versioning. It is the
 * `release` target under Nx's name, keeping only the options that mean something to Runway, so
 * both paths publish through exactly the same code. The npm-specific options Nx always passes
 * (`registry`, `tag`, `otp`, `access`) have no Runway meaning and are dropped here.
 */
export default function nxReleasePublishExecutor(options: NxReleasePublishExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return releaseExecutor({ dryRun: options.dryRun, registryDir: options.registryDir, baseUrl: options.baseUrl }, context);
}
