import type { Command } from 'commander';
import { escapeText } from '@runway/log';
import { summarizeCatalog } from '@runway/runtime-client';
import type { CliContext } from '../../context';
import { escapedErrors, loadCatalog, withRegistryFlags, writeJson, type RegistryFlags } from './shared';

/** `runway runtime list`: every runtime, its versions in semver order and its latest stable version. */
export function registerList(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('list'))
    .description('list the runtimes of the registries with their versions')
    .option('--json', 'print [{ "name", "versions", "latest" }] for scripts', false)
    .action(escapedErrors(async (opts: RegistryFlags & { json: boolean }) => {
      const summary = summarizeCatalog(await loadCatalog(ctx, opts));
      if (opts.json) return writeJson(ctx, summary.map(({ name, versions, latest }) => ({ name, versions, latest })));
      if (summary.length === 0) return ctx.logger.info('no runtimes in the registry');
      // Names and versions passed the registry's rules (no control characters); escaped all the same.
      const rows = summary.map((s) => [escapeText(s.name), escapeText(s.latest ?? '-'), s.versions.map((v) => escapeText(v)).join(', ')]);
      const width = Math.max(...rows.map(([name]) => name.length), 4);
      ctx.logger.info(`${'NAME'.padEnd(width)}  ${'LATEST'.padEnd(10)}  VERSIONS`);
      for (const [name, latest, versions] of rows) ctx.logger.info(`${name.padEnd(width)}  ${latest.padEnd(10)}  ${versions}`);
    }));
}
