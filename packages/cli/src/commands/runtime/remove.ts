import type { Command } from 'commander';
import { clientPaths, removeRuntime } from '@runway/runtime-client';
import type { CliContext } from '../../context';
import { escapedErrors, exactSpec } from './shared';

/** `runway runtime remove <name>@<version>`: deletes one installed version (other versions stay). */
export function registerRemove(parent: Command, ctx: CliContext): void {
  parent.command('remove')
    .description('remove one installed version')
    .argument('<runtime>', 'name@version, e.g. python-3.11@1.3.1')
    .option('--dir <dir>', 'install root (default $RUNWAY_RUNTIMES_DIR or ~/.local/share/runway/runtimes)')
    .action(escapedErrors(async (spec: string, opts: { dir?: string }) => {
      const { name, version } = exactSpec(spec);
      const path = await removeRuntime(opts.dir ?? clientPaths(ctx.env).runtimesDir, name, version);
      ctx.logger.info(`removed ${name}@${version} (${path})`);
    }));
}
