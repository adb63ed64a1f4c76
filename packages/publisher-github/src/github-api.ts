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
 * Everything the release steps do on GitHub, for one repository. Implementations throw
 * `UserError` for what the user must fix (token, permissions, missing repository, conflicting
 * asset) and `TransientError` when retries were exhausted on 5xx, rate limits, timeouts or resets.
 */
export interface GitHubApi {
  readonly repo: { owner: string; repo: string };
  getDefaultBranch(): Promise<string>;
  /** Finds a release by tag INCLUDING drafts (lists releases, since get-by-tag hides drafts). */
  findReleaseByTag(tag: string): Promise<ReleaseInfo | undefined>;
  /** Creates a release; an identical existing one (same tag, name, body, draft, prerelease) is returned as is. */
  createRelease(input: { tag: string; name: string; body: string; draft: boolean; prerelease: boolean; targetCommitish?: string }): Promise<ReleaseInfo>;
  updateRelease(id: number, patch: ReleasePatch): Promise<ReleaseInfo>;
  /** Deletes a release (not its tag); a no-op when it is already gone. Same for deleteAsset and deleteTagRef. */
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
  /** The commit a tag points at, or undefined when the tag does not exist. */
  getTagRef(tag: string): Promise<{ sha: string } | undefined>;
  /** Creates `refs/tags/<tag>` at `sha`; a no-op when it already points there, a `UserError` when elsewhere. */
  createTagRef(tag: string, sha: string): Promise<void>;
  updateTagRef(tag: string, sha: string, force: boolean): Promise<void>;
  deleteTagRef(tag: string): Promise<void>;
}
