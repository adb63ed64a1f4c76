import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { resolveVersion } from '@runway/registry';
import { clientPaths, findRuntime, verifyRuntime } from '@runway/runtime-client';
import type { CliContext } from '../../context';
import { escapedErrors, exactSpec, loadCatalog, withRegistryFlags, writeJson, type RegistryFlags } from './shared';

/** `runway runtime verify <name>@<version>`: re-checks an install against its receipt (and the registry, when given). */
export function registerVerify(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('verify'))
    .description('check an installed version against its install receipt (with --registry: also against the registry checksum)')
    .argument('<runtime>', 'name@version, e.g. python-3.11@1.3.1')
    .option('--dir <dir>', 'install root (default $RUNWAY_RUNTIMES_DIR or ~/.local/share/runway/runtimes)')
    .option('--json', 'print { ok, path, problems } as JSON', false)
    .action(escapedErrors(async (spec: string, opts: RegistryFlags & { dir?: string; json: boolean }) => {
      const { name, version } = exactSpec(spec);
      const expected = opts.registry.length > 0
        ? resolveVersion(findRuntime(await loadCatalog(ctx, opts), name).from.registry, name, version, {}).checksum
        : undefined;
      const result = await verifyRuntime(opts.dir ?? clientPaths(ctx.env).runtimesDir, name, version, expected);
      if (opts.json) writeJson(ctx, { name, version, ok: result.ok, path: result.path, problems: result.problems });
      else if (result.ok) ctx.logger.info(`${name}@${version} at ${result.path}: ok (${result.receipt!.files.length} entries match the install receipt)`);
      if (!result.ok) {
        throw new UserError(`${name}@${version} at ${result.path} failed verification:\n  ${result.problems.slice(0, 20).join('\n  ')}${result.problems.length > 20 ? `\n  … and ${result.problems.length - 20} more` : ''}`, {
          hint: `reinstall it: runway runtime remove ${name}@${version} && runway runtime install ${name}@${version}`,
        });
      }
    }));
}
