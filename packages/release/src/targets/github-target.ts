import { createHash } from 'node:crypto';
import { UserError } from '@runway/errors';
import { commitFile, fetchBranchTip, pushCommit, readFileAt, type GitIdentity } from '@runway/git';
import type { Logger } from '@runway/log';
import type { AssetInfo, GitHubApi, ReleaseInfo } from '@runway/publisher-github';
import { addEntry, emptyRegistry, parseRegistry, registryForUpdate, serializeRegistry, type Registry, type RegistryEntry } from '@runway/registry';
import { projectReleaseTag } from '@runway/release-policy';
import { sameAsset } from '../plan-release';
import type { LocalAsset } from '../step';
import type { ExistingAsset, TargetAdapter, TargetState } from './target-adapter';

/** How many times the registry commit is rebuilt on a moved branch before giving up. */
export const REGISTRY_PUSH_ATTEMPTS = 20;
const REGISTRY_FILE = 'registry.json';

export interface GitHubTargetOptions {
  api: GitHubApi;
  /** `GITHUB_SERVER_URL`, e.g. https://github.com. */
  serverUrl: string;
  /** `owner/repo`. */
  repository: string;
  /** The git checkout whose `origin` is the repository: the registry commit is pushed from here. */
  workspaceRoot: string;
  now: () => Date;
  remote?: string;
  identity?: GitIdentity;
}

const DEFAULT_IDENTITY: GitIdentity = { name: 'runway-release', email: 'runway-release@users.noreply.github.com' };

/** The sha256 of an asset: from GitHub's `digest` when it reports one, else by downloading it. */
async function assetSha256(api: GitHubApi, asset: AssetInfo): Promise<string> {
  if (asset.digest?.startsWith('sha256:')) return asset.digest.slice('sha256:'.length);
  return createHash('sha256').update(await api.downloadAsset(asset)).digest('hex');
}

/**
 * The GitHub target: assets on a release for the tag, the registry in the repository's root
 * `registry.json` on the default branch. Order keeps the invariants: the release stays a draft
 * (invisible) until the registry commit that points at its assets has been pushed.
 */
export function githubTarget(options: GitHubTargetOptions): TargetAdapter {
  const { api, workspaceRoot, now } = options;
  const remote = options.remote ?? 'origin';
  const identity = options.identity ?? DEFAULT_IDENTITY;
  let defaultBranch: string | undefined;
  const branch = async () => (defaultBranch ??= await api.getDefaultBranch());
  const location = (b: string) => `${options.repository}@${b}:${REGISTRY_FILE}`;

  /** The registry at the branch tip (fetched now), and that tip. Refuses one with invalid entries, which a rewrite would drop. */
  async function readPublishedRegistry(): Promise<{ tip: string; registry: Registry; text?: string }> {
    const b = await branch();
    const tip = await fetchBranchTip(workspaceRoot, remote, b);
    if (!tip) {
      throw new UserError(`the default branch "${b}" of ${options.repository} does not exist on ${remote}`, {
        hint: 'push the default branch first; the registry lives in its root registry.json',
      });
    }
    const text = await readFileAt(workspaceRoot, tip, REGISTRY_FILE);
    return { tip, text, registry: text === undefined ? emptyRegistry(now()) : registryForUpdate(parseRegistry(text, location(b)), location(b)) };
  }

  async function existingAssets(release: ReleaseInfo | undefined, names: string[]): Promise<ExistingAsset[]> {
    const held = (release?.assets ?? []).filter((a) => names.includes(a.name));
    return Promise.all(held.map(async (a) => ({ name: a.name, size: a.size, sha256: await assetSha256(api, a) })));
  }

  return {
    kind: 'github',
    async inspect(tag, assetNames): Promise<TargetState> {
      const [{ registry }, release] = await Promise.all([readPublishedRegistry(), api.findReleaseByTag(tag)]);
      return {
        registry,
        registryLocation: location(await branch()),
        ...(release ? { release: { draft: release.draft } } : {}),
        assets: await existingAssets(release, assetNames),
      };
    },
    downloadUrl: (tag, fileName) =>
      `${options.serverUrl}/${options.repository}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(fileName)}`,
    describeActions({ tag, section, name, version, assets, state }) {
      const actions = [state.release ? `reuse ${state.release.draft ? 'draft ' : ''}release ${tag}` : `create draft release ${tag}`];
      for (const asset of assets) {
        const held = state.assets.find((a) => a.name === asset.name);
        if (held && sameAsset(held, asset)) actions.push(`keep asset ${asset.name} (identical)`);
        else actions.push(`${held ? 'replace' : 'upload'} asset ${asset.name} (${asset.size} bytes, sha256:${asset.sha256})`);
      }
      if (!state.registry[section]?.[name]?.[version]) actions.push(`commit ${REGISTRY_FILE} (add ${name} ${version} to ${section}) and push to ${state.registryLocation.split('@').pop()!.split(':')[0]}`);
      if (state.release?.draft !== false) actions.push(`publish release ${tag} (draft → false)`);
      return actions;
    },
    async publishAssets(tag, assets, logger) {
      const release = (await api.findReleaseByTag(tag))
        ?? await api.createRelease({ tag, name: tag, body: releaseNotes(tag, assets), draft: true, prerelease: false });
      for (const asset of assets) await putAsset(api, release, asset, logger);
    },
    async updateRegistry(section, name, entry, logger) {
      const tag = projectReleaseTag(name, entry.version);
      await assertAssetsBehindEntry(api, tag, entry);
      const b = await branch();
      for (let attempt = 1; attempt <= REGISTRY_PUSH_ATTEMPTS; attempt++) {
        const { tip, registry } = await readPublishedRegistry();
        const result = addEntry(registry, name, entry, now(), section);
        if (result.outcome === 'unchanged') return 'unchanged';
        const commit = await commitFile(workspaceRoot, {
          parent: tip, path: REGISTRY_FILE, content: serializeRegistry(result.registry), message: `registry: add ${tag}`, identity,
        });
        if (await pushCommit(workspaceRoot, remote, commit, b) === 'pushed') {
          logger.info(`pushed ${REGISTRY_FILE} with ${tag} to ${b} (${commit.slice(0, 7)})`);
          return 'added';
        }
        logger.info(`${b} moved while adding ${tag}; re-applying the entry on the new tip (attempt ${attempt + 1})`);
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100 * attempt));
      }
      throw new UserError(`could not push ${REGISTRY_FILE} to ${b}: the branch kept moving (${REGISTRY_PUSH_ATTEMPTS} attempts)`, {
        hint: 're-run the release: every step is idempotent',
      });
    },
    async finalize(tag, logger) {
      const release = await api.findReleaseByTag(tag);
      if (!release) throw new UserError(`release ${tag} disappeared before it was published`, { hint: 're-run the release to recreate it' });
      if (!release.draft) return 'unchanged';
      await api.updateRelease(release.id, { draft: false });
      logger.info(`published release ${tag}`);
      return 'published';
    },
    resolveDownload: (url) => url,
  };
}

/** Uploads one asset to the release; keeps an identical one, replaces a different one only on a draft. */
async function putAsset(api: GitHubApi, release: ReleaseInfo, asset: LocalAsset, logger: Logger): Promise<void> {
  const held = release.assets.find((a) => a.name === asset.name);
  if (held) {
    if (sameAsset({ size: held.size, sha256: await assetSha256(api, held) }, asset)) {
      logger.info(`kept identical asset ${asset.name}`);
      return;
    }
    if (!release.draft) {
      throw new UserError(`release ${release.tagName} is published and its ${asset.name} differs from the one built now (sha256:${asset.sha256})`, {
        hint: 'published versions are immutable: bump the version in the manifest and release again',
      });
    }
    await api.deleteAsset(held.id);
  }
  await api.uploadAsset(release, { name: asset.name, path: asset.path });
  logger.info(`uploaded ${asset.name} to release ${release.tagName}`);
}

/**
 * The registry must never point at a missing or different asset: check the release before the push.
 * The package is checked by checksum and size; the SBOM (no checksum in the entry) by presence.
 */
async function assertAssetsBehindEntry(api: GitHubApi, tag: string, entry: RegistryEntry): Promise<void> {
  const release = await api.findReleaseByTag(tag);
  const held = (url: string) => {
    const fileName = decodeURIComponent(url.split('/').pop()!);
    return { fileName, asset: release?.assets.find((a) => a.name === fileName) };
  };
  const pkg = held(entry.download_url);
  if (!pkg.asset || pkg.asset.size !== entry.size || `sha256:${await assetSha256(api, pkg.asset)}` !== entry.checksum) {
    throw new UserError(`release ${tag} does not hold ${pkg.fileName} as ${entry.checksum}; the registry entry is not written`, {
      hint: 're-run the release: it uploads the missing asset first',
    });
  }
  const sbom = entry.sbom_url === undefined ? undefined : held(entry.sbom_url);
  if (sbom && !sbom.asset) {
    throw new UserError(`release ${tag} does not hold the SBOM ${sbom.fileName}; the registry entry is not written`, {
      hint: 're-run the release: it uploads the missing asset first',
    });
  }
}

/** Pure: the body of a runtime or payload release. */
function releaseNotes(tag: string, assets: LocalAsset[]): string {
  return [`Release ${tag}.`, '', ...assets.map((a) => `- \`${a.name}\` (${a.size} bytes) sha256:${a.sha256}`), ''].join('\n');
}
