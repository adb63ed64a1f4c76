import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { repositoryRoot } from '@runway/git';
import { deprecateRelease, resolveReleaseTarget } from '@runway/release';
import type { CliContext } from '../../context';

/** `runway deprecate <name>@X.Y.Z | vX.Y.Z --use <version> --reason "…"`: rollback without deleting anything. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('deprecate')
    .description('deprecate a released version: mark its registry entry, put a Deprecated banner on its release notes, move a payload\'s latest/X.Y/X image tags back; nothing is deleted')
    .argument('<target>', '<name>@X.Y.Z (one project) or vX.Y.Z (every project of that umbrella release)')
    .requiredOption('--use <version>', 'the version users should use instead, e.g. 1.2.2')
    .requiredOption('--reason <text>', 'why, in one sentence (shown by the registry, the notes and the client)')
    .option('--registry-dir <dir>', 'the directory registry (default: GitHub from GITHUB_REPOSITORY/GITHUB_TOKEN, else dist/registry; also RUNWAY_REGISTRY_DIR)')
    .option('--image-registry <prefix>', 'where the payloads\' runenv images live, e.g. ghcr.io/acme (default: RUNWAY_IMAGE_REGISTRY)')
    .option('--dry-run', 'print the plan; change nothing', false)
    .action(async (target: string, opts: { use: string; reason: string; registryDir?: string; imageRegistry?: string; dryRun: boolean }) => {
      const workspaceRoot = await repositoryRoot(ctx.cwd).catch((cause) => {
        throw new UserError(`${ctx.cwd} is not inside a git repository`, { hint: 'run this from a clone of the runtimes repository', cause });
      });
      await deprecateRelease({
        workspaceRoot,
        target: resolveReleaseTarget(ctx.env, workspaceRoot, { registryDir: opts.registryDir }),
        request: { target, use: opts.use, reason: opts.reason },
        imageRegistry: opts.imageRegistry, dryRun: opts.dryRun, env: ctx.env, logger: ctx.logger,
      });
    });
}
