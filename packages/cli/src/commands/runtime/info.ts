import type { Command } from 'commander';
import { escapeText } from '@runway/log';
import { isDeprecated, latestVersion, resolveVersion, sortVersions, type RegistryEntry } from '@runway/registry';
import { buildCatalog, findRuntime, parseRuntimeSpec, prebuiltPlatforms } from '@runway/runtime-client';
import { resolveDownloadUrl } from '@runway/safe-archive';
import type { CliContext } from '../../context';
import { escapedErrors, loadRegistries, rememberVerifiedIndexes, withRegistryFlags, writeJson, type RegistryFlags } from './shared';

/** Free text from a registry as printed: escaped, and one line at most 500 characters. */
const show = (text: unknown) => escapeText(String(text), 500);

function deprecationText(entry: RegistryEntry): string {
  if (!isDeprecated(entry)) return '';
  const d = typeof entry.deprecated === 'object' ? entry.deprecated : {};
  return ` (deprecated${d.reason ? `: ${show(d.reason)}` : ''}${d.use ? `; use ${show(d.use)}` : ''})`;
}

/** `runway runtime info <name>[@<version>]`: one runtime's versions, or one version's details. */
export function registerInfo(parent: Command, ctx: CliContext): void {
  withRegistryFlags(parent.command('info'))
    .description('show a runtime\'s versions, or the details of one version')
    .argument('<runtime>', 'name or name@version (e.g. python-3.11@1.3.1, python-3.11@latest)')
    .option('--json', 'print JSON', false)
    .action(escapedErrors(async (spec: string, opts: RegistryFlags & { json: boolean }) => {
      const { name, version } = parseRuntimeSpec(spec);
      const registries = await loadRegistries(ctx, opts);
      const runtime = findRuntime(buildCatalog(registries), name);
      const from = show(runtime.from.label);
      if (spec.includes('@')) {
        const entry = resolveVersion(runtime.from.registry, name, version, {});
        const url = resolveDownloadUrl(entry.download_url, runtime.from.base, runtime.from.label);
        await rememberVerifiedIndexes(ctx, registries);
        if (opts.json) return writeJson(ctx, { ...entry, resolved_url: url, registry: runtime.from.label });
        const prebuilt = prebuiltPlatforms(entry);
        ctx.logger.info(`${show(name)}@${show(entry.version)}${deprecationText(entry)}\n  ${show(entry.description)}\n  platforms: ${entry.platforms.map(show).join(', ')}\n  prebuilt:  ${prebuilt.map(show).join(', ') || 'none (source package only)'}\n  size:      ${entry.size} bytes\n  checksum:  ${show(entry.checksum)}\n  download:  ${show(url)}\n  registry:  ${from}`);
        return;
      }
      await rememberVerifiedIndexes(ctx, registries);
      const versions = sortVersions(Object.keys(runtime.versions));
      const latest = latestVersion(runtime.versions) ?? null;
      if (opts.json) return writeJson(ctx, { name, latest, registry: runtime.from.label, versions: versions.map((v) => runtime.versions[v]) });
      ctx.logger.info(`${show(name)} (latest: ${show(latest ?? 'none')}) from ${from}`);
      for (const v of versions) {
        const entry = runtime.versions[v];
        const prebuilt = prebuiltPlatforms(entry);
        ctx.logger.info(`  ${show(v)}${deprecationText(entry)}  [${entry.platforms.map(show).join(', ')}]${prebuilt.length > 0 ? `  prebuilt: [${prebuilt.map(show).join(', ')}]` : ''}  ${show(entry.description)}`);
      }
    }));
}
