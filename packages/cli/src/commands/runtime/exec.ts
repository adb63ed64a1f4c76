import type { Command } from 'commander';
import { ExitError } from '@runway/errors';
import { clientPaths, execInstalledRuntime, parseRuntimeSpec } from '@runway/runtime-client';
import type { CliContext } from '../../context';
import { escapedErrors } from './shared';

/**
 * `runway runtime exec <name>[@<version>] [--dir DIR] -- <command…>`: runs a command inside an
 * installed runtime the way a job would (bubblewrap: `runtime.yml`'s mounts read-only, its
 * environment, nothing else of the host). Its stdin, stdout and stderr are passed through, and
 * its exit code becomes ours (like `docker run`).
 */
export function registerExec(parent: Command, ctx: CliContext): void {
  parent.command('exec')
    .description('run a command inside an installed runtime the way a job would: runtime.yml\'s mounts read-only, its environment, nothing else of the host (needs bubblewrap)')
    .argument('<runtime>', 'name or name@version; without a version the highest installed one')
    .argument('<command...>', 'the command and its arguments, after --, e.g. -- python3 --version')
    .option('--dir <dir>', 'install root (default $RUNWAY_RUNTIMES_DIR or ~/.local/share/runway/runtimes)')
    .usage('<runtime> [--dir <dir>] -- <command...>')
    .action(escapedErrors(async (spec: string, command: string[], opts: { dir?: string }) => {
      const { name, version } = parseRuntimeSpec(spec);
      const result = await execInstalledRuntime({
        dir: opts.dir ?? clientPaths(ctx.env).runtimesDir, name, version, command,
        run: { bwrap: ctx.env.RUNWAY_BWRAP },
      });
      if (result.exitCode !== 0) throw new ExitError(result.exitCode);
    }));
}
