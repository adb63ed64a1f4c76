import type { Command } from 'commander';
import { summarizeCatalog } from '@runway/runtime-client';
import type { CliContext } from '../../context';
import { loadCatalog, withRegistryFlags, writeJson, type RegistryFlags } from './shared';

/** `runway runtime list`: every runtime, its versions in semver order and its latest stable version. */
export function registerList(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('list'))
    .description('list the runtimes of the registries with their versions')
    .option('--json', 'print [{ "name", "versions", "latest" }] for scripts', false)
    .action(async (opts: RegistryFlags & { json: boolean }) => {
      const summary = summarizeCatalog(await loadCatalog(ctx, opts));
      if (opts.json) return writeJson(ctx, summary.map(({ name, versions, latest }) => ({ name, versions, latest })));
      if (summary.length === 0) return ctx.logger.info('no runtimes in the registry');
      const width = Math.max(...summary.map((s) => s.name.length), 4);
      ctx.logger.info(`${'NAME'.padEnd(width)}  ${'LATEST'.padEnd(10)}  VERSIONS`);
      for (const s of summary) ctx.logger.info(`${s.name.padEnd(width)}  ${(s.latest ?? '-').padEnd(10)}  ${s.versions.join(', ')}`);
    });
}
