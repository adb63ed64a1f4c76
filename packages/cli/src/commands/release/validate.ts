import { resolve } from 'node:path';
import { ExitError, UserError } from '@runway/errors';
import { repositoryRoot } from '@runway/git';
import { resolveReleaseTarget, validateRelease } from '@runway/release';
import { readPinnedKeys } from '@runway/signing';
import type { CliContext } from '../../context';
import { setupEnv } from '../runtime/shared';

export interface ValidateFlags {
  key: string[];
  dir?: string;
  record: boolean;
  registryDir?: string;
  imageRegistry?: string;
}

/**
 * `runway release validate <tag>`: installs the published release as a user would, runs every
 * smoke command, prints the report and records the verdict on the release. Exit 1 when any
 * project failed.
 */
export async function releaseValidate(tag: string, flags: ValidateFlags, ctx: CliContext): Promise<void> {
  const workspaceRoot = await repositoryRoot(ctx.cwd).catch((cause) => {
    throw new UserError(`${ctx.cwd} is not inside a git repository`, { hint: 'run this from a clone of the runtimes repository (with its tags)', cause });
  });
  const result = await validateRelease({
    workspaceRoot, tag,
    target: resolveReleaseTarget(ctx.env, workspaceRoot, { registryDir: flags.registryDir }),
    pinnedKeys: await readPinnedKeys(flags.key, ctx.cwd),
    dir: flags.dir === undefined ? undefined : resolve(ctx.cwd, flags.dir), noRecord: !flags.record, imageRegistry: flags.imageRegistry,
    // Setup scripts are third-party code: they never see credentials, and their output goes to stderr.
    setup: { env: setupEnv(ctx.env), stdout: ctx.stderr, stderr: ctx.stderr },
    env: ctx.env, logger: ctx.logger,
  });
  if (!result.passed) throw new ExitError(1);
}
