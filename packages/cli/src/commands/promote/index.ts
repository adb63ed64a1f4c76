import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { repositoryRoot } from '@runway/git';
import { promoteRelease, resolveReleaseTarget } from '@runway/release';
import type { CliContext } from '../../context';

/** `runway promote vX.Y.Z-rc.N [--dry-run]`: the validated RC becomes X.Y.Z, byte for byte, without rebuilding. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('promote')
    .description('promote a validated release candidate to its stable version: tags, byte-identical releases, registry entries; nothing is rebuilt')
    .argument('<rc-tag>', 'the release candidate, vX.Y.Z-rc.N')
    .option('--key <public key>', 'a public key (ssh-ed25519 line or file) trusted for the RC\'s SHA256SUMS.sig, beside RUNWAY_SIGNING_KEY\'s; repeatable', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--registry-dir <dir>', 'the directory registry (default: GitHub from GITHUB_REPOSITORY/GITHUB_TOKEN, else dist/registry; also RUNWAY_REGISTRY_DIR)')
    .option('--dry-run', 'print the plan; change nothing', false)
    .action(async (rcTag: string, opts: { key: string[]; registryDir?: string; dryRun: boolean }) => {
      const workspaceRoot = await repositoryRoot(ctx.cwd).catch((cause) => {
        throw new UserError(`${ctx.cwd} is not inside a git repository`, { hint: 'run this from a clone of the runtimes repository', cause });
      });
      await promoteRelease({
        workspaceRoot,
        target: resolveReleaseTarget(ctx.env, workspaceRoot, { registryDir: opts.registryDir }),
        rcTag, keys: opts.key, dryRun: opts.dryRun, env: ctx.env, logger: ctx.logger,
      });
    });
}
