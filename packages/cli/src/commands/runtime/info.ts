import type { Command } from 'commander';
import { isDeprecated, latestVersion, resolveVersion, sortVersions, type RegistryEntry } from '@runway/registry';
import { findRuntime, parseRuntimeSpec } from '@runway/runtime-client';
import { resolveDownloadUrl } from '@runway/safe-archive';
import type { CliContext } from '../../context';
import { loadCatalog, withRegistryFlags, writeJson, type RegistryFlags } from './shared';

function deprecationText(entry: RegistryEntry): string {
  if (!isDeprecated(entry)) return '';
  const d = typeof entry.deprecated === 'object' ? entry.deprecated : {};
  return ` (deprecated${d.reason ? `: ${d.reason}` : ''}${d.use ? `; use ${d.use}` : ''})`;
}

/** `runway runtime info <name>[@<version>]`: one runtime's versions, or one version's details. */
export function registerInfo(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('info'))
    .description('show a runtime\'s versions, or the details of one version')
    .argument('<runtime>', 'name or name@version (e.g. python-3.11@1.3.1, python-3.11@latest)')
    .option('--json', 'print JSON', false)
    .action(async (spec: string, opts: RegistryFlags & { json: boolean }) => {
      const { name, version } = parseRuntimeSpec(spec);
      const runtime = findRuntime(await loadCatalog(ctx, opts), name);
      if (spec.includes('@')) {
        const entry = resolveVersion(runtime.from.registry, name, version, {});
        const url = resolveDownloadUrl(entry.download_url, runtime.from.base, runtime.from.label);
        if (opts.json) return writeJson(ctx, { ...entry, resolved_url: url, registry: runtime.from.label });
        ctx.logger.info(`${name}@${entry.version}${deprecationText(entry)}\n  ${entry.description}\n  platforms: ${entry.platforms.join(', ')}\n  size:      ${entry.size} bytes\n  checksum:  ${entry.checksum}\n  download:  ${url}\n  registry:  ${runtime.from.label}`);
        return;
      }
      const versions = sortVersions(Object.keys(runtime.versions));
      const latest = latestVersion(runtime.versions) ?? null;
      if (opts.json) return writeJson(ctx, { name, latest, registry: runtime.from.label, versions: versions.map((v) => runtime.versions[v]) });
      ctx.logger.info(`${name} (latest: ${latest ?? 'none'}) from ${runtime.from.label}`);
      for (const v of versions) ctx.logger.info(`  ${v}${deprecationText(runtime.versions[v])}  [${runtime.versions[v].platforms.join(', ')}]  ${runtime.versions[v].description}`);
    });
}
