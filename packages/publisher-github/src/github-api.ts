/** A release asset as Runway needs it. */
export interface AssetInfo {
  id: number;
  name: string;
  size: number;
  /** `browser_download_url`: public once the release is published. */
  downloadUrl: string;
  /** `sha256:<hex>` when GitHub reports it. */
  digest?: string;
}

/** A GitHub release as Runway needs it. */
export interface ReleaseInfo {
  id: number;
  tagName: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  htmlUrl: string;
  uploadUrl: string;
  assets: AssetInfo[];
}

/** Fields of a release that `updateRelease` can change. */
export type ReleasePatch = Partial<{ tag: string; name: string; body: string; draft: boolean; prerelease: boolean; targetCommitish: string; makeLatest: boolean }>;

/**
 * Everything the release steps do through GitHub's REST API, for one repository (tags are pushed
 * with git, not through the API). Implementations throw `UserError` for what the user must fix
 * (token, permissions, missing repository, conflicting asset) and `TransientError` when retries
 * were exhausted on 5xx, rate limits, timeouts or resets.
 */
export interface GitHubApi {
  readonly repo: { owner: string; repo: string };
  getDefaultBranch(): Promise<string>;
  /** The published release of `tag` (one request; drafts are never returned), or undefined. */
  getPublishedRelease(tag: string): Promise<ReleaseInfo | undefined>;
  /**
   * Every release of `tag`, drafts included (GitHub allows several drafts for one tag but only
   * one published release), oldest first. Lists releases, since get-by-tag hides drafts.
   */
  listReleasesForTag(tag: string): Promise<ReleaseInfo[]>;
  /** Creates a release and returns it; with `draft`, a new draft even when the tag has others. */
  createRelease(input: { tag: string; name: string; body: string; draft: boolean; prerelease: boolean; targetCommitish?: string }): Promise<ReleaseInfo>;
  /**
   * Changes a release (e.g. publishes a draft with `draft: false`).
   * @throws ReleaseTagTakenError when publishing it would make a second published release of its tag.
   */
  updateRelease(id: number, patch: ReleasePatch): Promise<ReleaseInfo>;
  /** Deletes a release (not its tag); a no-op when it is already gone. Same for deleteAsset. */
  deleteRelease(id: number): Promise<void>;
  /**
   * Streams the file at `asset.path` to the release. If the release already has an asset of that
   * name with the same content (size, and sha256 when GitHub reports a digest) it is returned
   * unchanged; with different content this throws a `UserError` (delete it first).
   */
  uploadAsset(release: ReleaseInfo, asset: { name: string; path: string; contentType?: string }): Promise<AssetInfo>;
  deleteAsset(id: number): Promise<void>;
  /** Downloads an asset's bytes through the API (works for drafts with a token). */
  downloadAsset(asset: AssetInfo): Promise<Buffer>;
}
