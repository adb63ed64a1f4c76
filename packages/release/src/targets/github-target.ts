import { TransientError, UserError, withRetry } from '@runway/errors';
import { commitFiles, fetchBranchTip, hasRemote, mapGitFailure, pushCommit, pushTagAt, readFileAt, remoteTagCommit, type GitIdentity } from '@runway/git';
import { assetSha256, publishRelease, type GitHubApi, type ReleaseInfo } from '@runway/publisher-github';
import { addEntry, emptyRegistry, REGISTRY_FILE, isDeprecated, payloadVersions, parseRegistry, registryForUpdate, type Registry, type RegistryEntry } from '@runway/registry';
import { indexSignedBy, nextIndexFiles, TRUST_FILES } from '@runway/trust';
import { decideLatest, projectReleaseTag } from '@runway/release-policy';
import { sameAsset } from '../plan-release';
import type { LocalAsset } from '../release-context';
import { tagElsewhere } from './directory-target';
import { requireKeyIfConfigured, type ReleaseSigning } from './release-signing';
import type { ExistingAsset, TargetAdapter, TargetState } from './target-adapter';

/** How many times the registry commit is rebuilt on a moved branch before giving up. */
export const REGISTRY_PUSH_ATTEMPTS = 20;
const SIGNATURE_FILE = TRUST_FILES.indexSignature;

export interface GitHubTargetOptions {
  api: GitHubApi;
  /** `GITHUB_SERVER_URL`, e.g. https://github.com. */
  serverUrl: string;
  /** `owner/repo`. */
  repository: string;
  /** The git checkout whose `origin` is the repository: tags and the registry commit are pushed from here. */
  workspaceRoot: string;
  now: () => Date;
  remote?: string;
  identity?: GitIdentity;
  /** The key and policy every registry write signs with. */
  signing: () => Promise<ReleaseSigning>;
}

const DEFAULT_IDENTITY: GitIdentity = { name: 'runway-release', email: 'runway-release@users.noreply.github.com' };

/**
 * The GitHub target: the release tag pushed to the built commit, the assets on a release of that
 * tag, the registry in the repository's root `registry.json` on the default branch. The order of
 * the steps keeps the invariants (see the README): the tag names the built commit before any
 * release exists; a release is published only complete; the registry entry is written only after
 * the published download was verified, so it never points at something that does not serve
 * exactly that package.
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
    // Read through the remote: without one, say so before asking the API anything.
    await requireRemote(workspaceRoot, remote, options.repository, options.serverUrl);
    const b = await branch();
    const tip = await fetchBranchTip(workspaceRoot, remote, b).catch((err) => { throw mapGitFailure(err, workspaceRoot, ['fetch', remote]); });
    if (!tip) {
      throw new UserError(`the default branch "${b}" of ${options.repository} does not exist on ${remote}`, {
        hint: 'push the default branch first; the registry lives in its root registry.json',
      });
    }
    const text = await readFileAt(workspaceRoot, tip, REGISTRY_FILE).catch((err) => { throw mapGitFailure(err, workspaceRoot, ['cat-file', REGISTRY_FILE]); });
    return { tip, text, registry: text === undefined ? emptyRegistry(now()) : registryForUpdate(parseRegistry(text, location(b)), location(b)) };
  }

  async function existingAssets(release: ReleaseInfo | undefined, names: string[]): Promise<ExistingAsset[]> {
    const held = (release?.assets ?? []).filter((a) => names.includes(a.name));
    return Promise.all(held.map(async (a) => ({ name: a.name, size: a.size, sha256: await assetSha256(api, a) })));
  }

  /** The signature at `tip`, or undefined. */
  const readSignature = (tip: string) =>
    readFileAt(workspaceRoot, tip, SIGNATURE_FILE).catch((err) => { throw mapGitFailure(err, workspaceRoot, ['cat-file', SIGNATURE_FILE]); });

  const adapter: TargetAdapter = {
    kind: 'github',
    async inspect(tag, assetNames): Promise<TargetState> {
      await requireRemote(workspaceRoot, remote, options.repository, options.serverUrl);
      const [{ registry }, release] = await Promise.all([readPublishedRegistry(), api.getPublishedRelease(tag)]);
      return { registry, registryLocation: location(await branch()), published: release !== undefined, assets: await existingAssets(release, assetNames) };
    },
    async checkSource(tag, source) {
      const tagged = await remoteTagCommit(workspaceRoot, remote, tag);
      if (tagged !== undefined && tagged !== source.commit) throw tagElsewhere(tag, tagged, source.commit, `on ${remote}`);
    },
    downloadUrl: (tag, fileName) =>
      `${options.serverUrl}/${options.repository}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(fileName)}`,
    describeActions({ tag, source, section, name, version, assets, state }) {
      const actions: string[] = [];
      if (!state.published) {
        actions.push(`push tag ${tag} → ${source.commit.slice(0, 12)} to ${remote}`);
        actions.push(`create this run's draft release ${tag} (target_commitish ${source.commit.slice(0, 12)})`);
      }
      for (const asset of assets) {
        const held = state.assets.find((a) => a.name === asset.name);
        if (held && sameAsset(held, asset)) actions.push(`keep asset ${asset.name} (identical)`);
        else actions.push(`upload asset ${asset.name} (${asset.size} bytes, sha256:${asset.sha256})`);
      }
      if (!state.published) actions.push(`publish release ${tag} (draft → false; refused if another release of ${tag} was published first)`);
      if (!state.registry[section]?.[name]?.[version]) {
        // The package and each prebuilt environment (every tarball of the release) is downloaded again.
        actions.push(`download ${assets.filter((a) => a.name.endsWith('.tar.gz')).map((a) => a.name).join(', ')} from their public URLs and check sha256 and size`);
        actions.push(`commit ${REGISTRY_FILE} (add ${name} ${version} to ${section}) with ${SIGNATURE_FILE} when signing, and push to ${state.registryLocation.split('@').pop()!.split(':')[0]}`);
      }
      return actions;
    },
    async tagCommit(tag, source, logger) {
      const pushed = await pushTagAt(workspaceRoot, remote, tag, source.commit);
      if (pushed === 'pushed') {
        logger.info(`pushed tag ${tag} → ${source.commit.slice(0, 12)} to ${remote}`);
        return 'created';
      }
      if (pushed.existing !== source.commit) throw tagElsewhere(tag, pushed.existing, source.commit, `on ${remote}`);
      return 'unchanged';
    },
    async publishAssets(tag, source, assets, logger) {
      const { registry } = await readPublishedRegistry();
      const outcome = await publishRelease(api, {
        tag, commit: source.commit, name: tag, body: releaseNotes(tag, source.commit, assets), prerelease: false,
        makeLatest: takesLatestBadge(registry, tag),
        assets: assets.map((a) => ({ ...a, contentType: contentType(a.name) })),
      }, logger);
      return outcome.status;
    },
    async updateRegistry(section, name, entry, logger) {
      const tag = projectReleaseTag(name, entry.version);
      await assertAssetsBehindEntry(api, tag, entry);
      return adapter.editRegistry({ describe: `add ${tag}`, apply: (current) => addEntry(current, name, entry, now(), section) }, logger);
    },
    async editRegistry(edit, logger) {
      const key = requireKeyIfConfigured(await options.signing(), location(await branch()));
      const b = await branch();
      // A branch that moved between our read and our push is a transient conflict: read again,
      // re-apply the edit on the new tip, push again.
      return withRetry(async (attempt) => {
        const { tip, registry, text } = await readPublishedRegistry();
        const result = edit.apply(registry);
        let outcome: string = result.outcome;
        if (outcome === 'unchanged') {
          // Unchanged, but an index never signed (or whose signature does not match) is signed now.
          if (!key || text === undefined || indexSignedBy(Buffer.from(text), await readSignature(tip), key)) return 'unchanged';
          outcome = 'resigned';
        }
        const files = nextIndexFiles({ next: result.registry, previous: registry, key, now: now() });
        // One commit holds both files: a client reading them at one commit never gets a torn pair.
        const commit = await commitFiles(workspaceRoot, {
          parent: tip, message: `registry: ${edit.describe}`, identity,
          files: [{ path: REGISTRY_FILE, content: files.registry }, ...(files.signature === undefined ? [] : [{ path: SIGNATURE_FILE, content: files.signature }])],
        });
        if (await pushCommit(workspaceRoot, remote, commit, b) === 'rejected') throw new TransientError(`${b} moved while writing ${REGISTRY_FILE} to ${edit.describe} (attempt ${attempt})`);
        logger.info(`pushed ${REGISTRY_FILE}${files.signature === undefined ? ' (unsigned: no signing key)' : ` and ${SIGNATURE_FILE} (serial ${files.metadata!.serial}, key ${key!.publicKey.keyId})`} to ${b} (${commit.slice(0, 7)}): ${edit.describe}`);
        return outcome as typeof result.outcome | 'resigned';
      }, {
        attempts: REGISTRY_PUSH_ATTEMPTS,
        baseDelayMs: 50,
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 2_000) * (0.5 + Math.random()))),
        onRetry: (err) => logger.info(`${err.message}; re-applying the change on the new tip`),
      }).catch((err) => {
        if (!(err instanceof TransientError)) throw err;
        throw new UserError(`could not push ${REGISTRY_FILE} to ${b}: the branch kept moving (${REGISTRY_PUSH_ATTEMPTS} attempts)`, {
          hint: 're-run the release: every step is idempotent', cause: err,
        });
      });
    },
    signing: options.signing,
    async readRegistry() {
      const { registry, text } = await readPublishedRegistry();
      return { registry, location: location(await branch()), exists: text !== undefined };
    },
    // A signed index carries `serial` (`nextIndexFiles` refuses to write one unsigned).
    isIndexSigned: async () => (await readPublishedRegistry()).registry.serial !== undefined,
    resolveDownload: (url) => url,
    async readReleaseFile(tag, fileName) {
      const asset = (await api.getPublishedRelease(tag))?.assets.find((a) => a.name === fileName);
      return asset && api.downloadAsset(asset);
    },
    async readNotes(tag) {
      return (await api.getPublishedRelease(tag))?.body;
    },
    async writeNotes(tag, body, logger) {
      const release = await api.getPublishedRelease(tag);
      if (!release) throw new UserError(`the release ${tag} is not published`, { hint: 'publish it first (re-run its release)' });
      await api.updateRelease(release.id, { body });
      logger.info(`updated the notes of the release ${tag}`);
    },
  };
  return adapter;
}

/**
 * The GitHub target needs a git remote for the repository: release tags and the registry commit
 * are pushed through it, and the registry is read from it.
 * @throws UserError naming the remote and how to add it.
 */
export async function requireRemote(workspaceRoot: string, remote: string, repository: string, serverUrl: string): Promise<void> {
  if (await hasRemote(workspaceRoot, remote)) return;
  throw new UserError(`the GitHub target needs a git remote "${remote}" for ${repository} in ${workspaceRoot}: release tags and registry.json are pushed through it`, {
    hint: `git remote add ${remote} ${serverUrl}/${repository}.git (or unset GITHUB_REPOSITORY to release into the directory registry)`,
  });
}

/**
 * The registry must never point at a missing or different asset: check the published release
 * right before the push. The package by checksum and size, the SBOM (no checksum in the entry) by
 * presence. Transient API failures are retried here: giving up would leave the release without
 * its entry until a re-run.
 */
async function assertAssetsBehindEntry(api: GitHubApi, tag: string, entry: RegistryEntry): Promise<void> {
  const release = await withRetry(() => api.getPublishedRelease(tag), { baseDelayMs: 200 });
  const held = (url: string) => {
    const fileName = decodeURIComponent(url.split('/').pop()!);
    return { fileName, asset: release?.assets.find((a) => a.name === fileName) };
  };
  const pkg = held(entry.download_url);
  if (!pkg.asset || pkg.asset.size !== entry.size || `sha256:${await assetSha256(api, pkg.asset)}` !== entry.checksum) {
    throw new UserError(`the published release ${tag} does not hold ${pkg.fileName} as ${entry.checksum}; the registry entry is not written`, {
      hint: 're-run the release: it publishes the release first',
    });
  }
  const sbom = entry.sbom_url === undefined ? undefined : held(entry.sbom_url);
  if (sbom && !sbom.asset) {
    throw new UserError(`the published release ${tag} does not hold the SBOM ${sbom.fileName}; the registry entry is not written`, {
      hint: 're-run the release: it uploads the missing asset first',
    });
  }
}

/** Pure: the content type of a release asset. */
function contentType(name: string): string {
  if (name.endsWith('.tar.gz')) return 'application/gzip';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.jsonl')) return 'application/jsonl';
  return 'text/plain';
}

/** Pure: the body of a runtime or payload release. */
function releaseNotes(tag: string, commit: string, assets: LocalAsset[]): string {
  return [`Release ${tag}, built from commit ${commit}.`, '', ...assets.map((a) => `- \`${a.name}\` (${a.size} bytes) sha256:${a.sha256}`), ''].join('\n');
}

/**
 * Whether the release `<name>@<version>` takes GitHub's "Latest" badge: the one latest decision
 * (`decideLatest`) over the project's versions in the registry, so a hotfix of an older line never
 * takes it from a newer release.
 */
function takesLatestBadge(registry: Registry, tag: string): boolean {
  const at = tag.lastIndexOf('@');
  const name = tag.slice(0, at);
  const entries = { ...(registry.runtimes[name] ?? {}), ...payloadVersions(registry, name) };
  const published = Object.keys(entries);
  return decideLatest({ version: tag.slice(at + 1), published, deprecated: published.filter((v) => isDeprecated(entries[v])) }).latest;
}
