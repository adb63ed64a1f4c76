import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { addToDirectoryRegistry, listStoredFiles, publishFiles, releasePath } from '@runway/publisher-directory';
import { projectReleaseTag } from '@runway/release-policy';
import { resolveDownloadUrl } from '@runway/safe-archive';
import { sameAsset } from '../plan-release';
import type { LocalAsset } from '../step';
import { readRegistrySnapshot } from './registry-snapshot';
import type { TargetAdapter, TargetState } from './target-adapter';

/**
 * The static directory registry: `<dir>/registry.json` plus `<dir>/releases/download/<tag>/<file>`.
 * `download_url` is `<baseUrl>/releases/download/<tag>/<file>`, or relative without a base URL.
 */
export function directoryTarget(dir: string, baseUrl: string | undefined, now: () => Date): TargetAdapter {
  const registryPath = join(dir, 'registry.json');
  return {
    kind: 'directory',
    async inspect(tag, assetNames): Promise<TargetState> {
      const [registry, assets] = await Promise.all([readRegistrySnapshot(dir, now()), listStoredFiles(dir, tag, assetNames)]);
      return { registry, registryLocation: registryPath, assets };
    },
    downloadUrl: (tag, fileName) => (baseUrl ? `${baseUrl}/${releasePath(tag, fileName)}` : releasePath(tag, fileName)),
    describeActions({ tag, section, name, version, assets, state }) {
      const actions = assets.map((asset: LocalAsset) => {
        const target = join(dir, releasePath(tag, asset.name));
        const held = state.assets.find((a) => a.name === asset.name);
        return held && sameAsset(held, asset) ? `keep ${target} (identical)` : `write ${target} (${asset.size} bytes)`;
      });
      if (!state.registry[section]?.[name]?.[version]) actions.push(`add ${name} ${version} to ${section} in ${registryPath}`);
      return actions;
    },
    async publishAssets(tag, assets, logger) {
      for (const { name, outcome } of await publishFiles(dir, tag, assets)) {
        logger.info(`${outcome === 'copied' ? 'wrote' : 'kept identical'} ${join(dir, releasePath(tag, name))}`);
      }
    },
    async updateRegistry(section, name, entry, logger) {
      const tag = projectReleaseTag(name, entry.version);
      // Every file the entry points at must be in place before the entry is written.
      const files = [entry.download_url, entry.sbom_url].filter((url) => url !== undefined).map((url) => releasePath(tag, url.split('/').pop()!));
      const outcome = await addToDirectoryRegistry(dir, name, entry, files, now(), section);
      if (outcome === 'added') logger.info(`added ${tag} to ${registryPath}`);
      return outcome;
    },
    // Relative URLs are relative to the registry file, as a web server hosting `dir` would serve them.
    resolveDownload: (url) => resolveDownloadUrl(url, pathToFileURL(registryPath).href, registryPath),
  };
}
