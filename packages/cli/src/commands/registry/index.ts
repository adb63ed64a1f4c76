import type { Command } from 'commander';
import { redactingLogger, secretsFrom, streamLogger } from '@runway/log';
import { resignRegistry, resolveReleaseTarget } from '@runway/release';
import type { CliContext } from '../../context';

interface ResignFlags {
  dryRun: boolean;
  registryDir?: string;
  json: boolean;
}

/** `runway registry …`: maintenance of the published registry index. */
export function register(program: Command, ctx: CliContext): void {
  const registry = program.command('registry').description('maintain the published registry index (registry.json and its signature)');
  registry
    .command('resign')
    .description('sign registry.json again (serial + 1, a fresh 90-day expiry) without changing an entry; run on a schedule so clients never see it expire')
    .option('--dry-run', 'print the serial, expiry and key fingerprint it would write; change nothing', false)
    .option('--registry-dir <dir>', 'the directory registry (default: GitHub when GITHUB_REPOSITORY and GITHUB_TOKEN are set, else dist/registry)')
    .option('--json', 'print the outcome as JSON', false)
    .action(async (flags: ResignFlags) => {
      const target = resolveReleaseTarget(ctx.env, ctx.cwd, { registryDir: flags.registryDir });
      // With --json, stdout holds only the JSON: the log goes to stderr, redacted like every output.
      const logger = flags.json ? redactingLogger(streamLogger(ctx.stderr, ctx.stderr), secretsFrom(ctx.env)) : ctx.logger;
      const outcome = await resignRegistry({ workspaceRoot: ctx.cwd, target, env: ctx.env, logger, dryRun: flags.dryRun });
      if (flags.json) ctx.stdout.write(`${JSON.stringify(outcome)}\n`);
    });
}
