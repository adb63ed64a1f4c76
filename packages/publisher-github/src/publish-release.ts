import { createHash } from 'node:crypto';
import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import type { AssetInfo, GitHubApi, ReleaseInfo } from './github-api';
import { ReleaseTagTakenError } from './map-error';

/** A file to publish, with the sha256 and size the caller computed. */
export interface LocalReleaseAsset {
  name: string;
  path: string;
  sha256: string;
  size: number;
  contentType?: string;
}

/** One GitHub release as it should end up: published, for `tag`, holding exactly `assets`. */
export interface ReleaseToPublish {
  tag: string;
  /** The commit the tag names (pushed before this is called); the draft's `target_commitish`. */
  commit: string;
  name: string;
  body: string;
  prerelease: boolean;
  /**
   * GitHub's "Latest" badge, set explicitly when the release is published (Runway's latest
   * decision); undefined leaves it to GitHub's default.
   */
  makeLatest?: boolean;
  assets: LocalReleaseAsset[];
  /**
   * A published release of the tag with other content is replaced (rolling umbrella tags). Without
   * it, other content under a published tag is refused: published versions are immutable.
   */
  replace?: boolean;
}

/**
 * `published`: this run's draft became the release; `unchanged`: an identical release was already
 * published (by an earlier run, or by a concurrent run that won the race); `completed`: the
 * published release lacked some of the assets (made before they existed) and they were added.
 */
export interface PublishOutcome {
  status: 'published' | 'unchanged' | 'completed';
  release: ReleaseInfo;
}

/** How a release's assets compare with the local ones. */
interface AssetComparison {
  /** Local assets the release does not hold. */
  missing: LocalReleaseAsset[];
  /** Names held with other bytes. */
  different: string[];
  /** Names the release holds that are not local assets. */
  extra: string[];
}

/**
 * Publishes one release so that it holds exactly `input.assets`, and so that two runs racing on
 * one tag end with exactly one winner. In order:
 * 1. a published release of the tag whose assets of these names hold these bytes: done
 *    (`unchanged`, or `completed` after uploading assets it lacks); with other bytes under one
 *    of the names: refused, unless `replace`;
 * 2. this run's own draft: a draft that already holds exactly these bytes (left by an interrupted
 *    run) is adopted, any other draft is left alone; otherwise a new draft at `commit`. Assets
 *    are only ever uploaded into this draft, so a racing run can never put its package into
 *    ours, nor we into its;
 * 3. upload what the draft lacks;
 * 4. (`replace` only) delete the published release being replaced;
 * 5. publish the draft. GitHub allows one published release per tag: when another run published
 *    first, its release is compared: identical bytes → `unchanged`; other bytes → this run
 *    deletes its own draft and fails with a clear message.
 * Every step is idempotent: re-running after a crash at any point converges.
 */
export async function publishRelease(api: GitHubApi, input: ReleaseToPublish, logger: Logger): Promise<PublishOutcome> {
  const { tag } = input;
  const published = await api.getPublishedRelease(tag);
  if (published) {
    const found = await compareAssets(api, published, input.assets);
    // Extra assets (added by hand or by a later tool) do not make the release different.
    if (found.different.length === 0) {
      if (found.missing.length === 0) return { status: 'unchanged', release: published };
      // Added, never replaced: a name already held keeps its bytes (uploadAsset refuses others).
      for (const asset of found.missing) await upload(api, published, asset, logger);
      return { status: 'completed', release: published };
    }
    if (!input.replace) throw immutable(tag, found);
  }

  const drafts = (await api.listReleasesForTag(tag)).filter((r) => r.draft);
  let draft: ReleaseInfo | undefined;
  for (const candidate of drafts) {
    const found = await compareAssets(api, candidate, input.assets);
    if (found.missing.length === 0 && found.different.length === 0 && found.extra.length === 0) {
      draft = candidate;
      logger.info(`adopting draft release ${candidate.id} of ${tag}: it already holds exactly these assets`);
      break;
    }
  }
  const own = draft === undefined;
  draft ??= await api.createRelease({ tag, name: input.name, body: input.body, draft: true, prerelease: input.prerelease, targetCommitish: input.commit });
  if (own) logger.info(`created draft release ${draft.id} of ${tag} at ${input.commit.slice(0, 12)}`);
  for (const asset of input.assets) {
    if (!draft.assets.some((a) => a.name === asset.name)) await upload(api, draft, asset, logger);
  }

  if (published && input.replace) {
    await api.deleteRelease(published.id);
    logger.info(`deleted the previous release ${published.id} of ${tag} (replaced)`);
  }
  try {
    const release = await api.updateRelease(draft.id, {
      draft: false, name: input.name, body: input.body, prerelease: input.prerelease,
      ...(input.makeLatest !== undefined && { makeLatest: input.makeLatest }),
    });
    logger.info(`published release ${tag} (${release.htmlUrl})`);
    return { status: 'published', release };
  } catch (err) {
    if (!(err instanceof ReleaseTagTakenError)) throw err;
    const winner = await api.getPublishedRelease(tag);
    const found = winner && await compareAssets(api, winner, input.assets);
    if (winner && found && found.missing.length === 0 && found.different.length === 0) {
      // A concurrent run published the same bytes: nothing of ours is needed.
      if (own) await api.deleteRelease(draft.id);
      logger.info(`${tag} was published meanwhile by another run with identical assets`);
      return { status: 'unchanged', release: winner };
    }
    if (own) await api.deleteRelease(draft.id);
    throw new UserError(`${tag} was published meanwhile by another release with different content; this run's draft was deleted and nothing of it remains`, {
      hint: 'published versions are immutable: if this build should win, bump the version and release again',
      cause: err,
    });
  }
}

/** Compares a release's assets with the local ones (sha256 from GitHub's digest, else downloaded). */
async function compareAssets(api: GitHubApi, release: ReleaseInfo, assets: LocalReleaseAsset[]): Promise<AssetComparison> {
  const result: AssetComparison = { missing: [], different: [], extra: [] };
  for (const asset of assets) {
    const held = release.assets.find((a) => a.name === asset.name);
    if (!held) result.missing.push(asset);
    else if (held.size !== asset.size || (await assetSha256(api, held)) !== asset.sha256) result.different.push(asset.name);
  }
  result.extra = release.assets.filter((a) => !assets.some((x) => x.name === a.name)).map((a) => a.name);
  return result;
}

/** The sha256 of an asset: from GitHub's `digest` when it reports one, else by downloading it. */
export async function assetSha256(api: GitHubApi, asset: AssetInfo): Promise<string> {
  if (asset.digest?.startsWith('sha256:')) return asset.digest.slice('sha256:'.length);
  return createHash('sha256').update(await api.downloadAsset(asset)).digest('hex');
}

async function upload(api: GitHubApi, release: ReleaseInfo, asset: LocalReleaseAsset, logger: Logger): Promise<void> {
  await api.uploadAsset(release, { name: asset.name, path: asset.path, contentType: asset.contentType });
  logger.info(`uploaded ${asset.name} (${asset.size} bytes) to ${release.draft ? 'draft ' : ''}release ${release.tagName}`);
}

function immutable(tag: string, found: AssetComparison): UserError {
  const what = found.different.map((n) => `${n} differs`).join(', ');
  return new UserError(`release ${tag} is already published with different content: ${what}`, {
    hint: 'published versions are immutable: bump the version and release again',
  });
}
