import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { resolveVersion } from '@runway/registry';
import { buildCatalog, clientPaths, findRuntime, recordedProvenanceProblem, verifyRuntime } from '@runway/runtime-client';
import type { CliContext } from '../../context';
import { escapedErrors, exactSpec, loadRegistries, pinnedKeys, rememberVerifiedIndexes, withRegistryFlags, writeJson, type RegistryFlags } from './shared';

/**
 * `runway runtime verify <name>@<version>`: re-checks an install against its receipt; with
 * `--registry`, also that the registry (verified, when keys are pinned) still lists the package
 * it came from; with keys pinned, that the provenance recorded at install names that package
 * and is signed by a pinned key, which needs no network.
 */
export function registerVerify(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('verify'))
    .description('check an installed version against its install receipt (with --registry: also against the registry checksum; with keys pinned: also its recorded provenance)')
    .argument('<runtime>', 'name@version, e.g. python-3.11@1.3.1')
    .option('--dir <dir>', 'install root (default $RUNWAY_RUNTIMES_DIR or ~/.local/share/runway/runtimes)')
    .option('--json', 'print { ok, path, problems } as JSON', false)
    .action(escapedErrors(async (spec: string, opts: RegistryFlags & { dir?: string; json: boolean }) => {
      const { name, version } = exactSpec(spec);
      const registries = opts.registry.length > 0 ? await loadRegistries(ctx, opts) : [];
      const from = registries.length > 0 ? findRuntime(buildCatalog(registries), name).from : undefined;
      const listed = from && resolveVersion(from.registry, name, version, {});
      const result = await verifyRuntime(opts.dir ?? clientPaths(ctx.env).runtimesDir, name, version, listed);
      // The keys of the registry read, else --key and the config's keys for the registry the receipt names.
      const keys = from
        ? (from.trust.status === 'verified' ? from.trust.pinnedKeys : [])
        : (await pinnedKeys(ctx, opts)).keysFor(result.receipt?.registry);
      const provenanceProblem = keys.length > 0 && result.receipt ? recordedProvenanceProblem(result.receipt, keys) : undefined;
      const problems = provenanceProblem ? [provenanceProblem, ...result.problems] : result.problems;
      const ok = problems.length === 0;
      if (ok) await rememberVerifiedIndexes(ctx, registries);
      if (opts.json) writeJson(ctx, { name, version, ok, path: result.path, problems });
      else if (ok) ctx.logger.info(`${name}@${version} at ${result.path}: ok (${result.receipt!.files.length} entries match the install receipt${keys.length > 0 ? '; its package is the one the signed provenance names' : ''})`);
      if (!ok) {
        throw new UserError(`${name}@${version} at ${result.path} failed verification:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`, {
          hint: `reinstall it: runway runtime remove ${name}@${version} && runway runtime install ${name}@${version}`,
        });
      }
    }));
}
