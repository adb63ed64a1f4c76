import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TransientError, UserError } from '@runway/errors';
import type { AssetInfo, GitHubApi, ReleaseInfo, ReleasePatch } from './github-api';

/** One recorded call on the fake. */
export interface FakeCall {
  method: keyof GitHubApi;
  args: unknown[];
}

type Method = Exclude<keyof GitHubApi, 'repo'>;

/**
 * An in-memory `GitHubApi` for fast unit tests of release steps: it records every call, keeps
 * releases, asset bytes and tags, follows the same rules as the real adapter (get-by-tag sees
 * drafts, identical re-uploads return the existing asset, deletes of missing things are no-ops),
 * and can be told to fail with `failOn`.
 */
export class FakeGitHubApi implements GitHubApi {
  readonly calls: FakeCall[] = [];
  readonly releases: ReleaseInfo[] = [];
  /** Asset id → bytes. */
  readonly assetData = new Map<number, Buffer>();
  /** Tag name → commit sha. */
  readonly tags = new Map<string, string>();
  defaultBranch = 'main';
  private lastId = 0;
  private readonly failures = new Map<Method, { error: Error; times: number }>();

  constructor(readonly repo = { owner: 'acme', repo: 'runtimes' }) {}

  /** Makes the next `times` calls of `method` throw `error` (default: a TransientError). */
  failOn(method: Method, error: Error = new TransientError(`injected failure in ${method}`), times = 1): this {
    this.failures.set(method, { error, times });
    return this;
  }

  /** Names of the calls made so far, in order (e.g. `['findReleaseByTag', 'createRelease']`). */
  callNames(): string[] {
    return this.calls.map((c) => c.method);
  }

  private enter(method: Method, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure && failure.times > 0) {
      failure.times--;
      throw failure.error;
    }
  }

  private release(id: number): ReleaseInfo {
    const r = this.releases.find((x) => x.id === id);
    if (!r) throw new UserError(`GitHub 404: release ${id} not found`);
    return r;
  }

  async getDefaultBranch(): Promise<string> {
    this.enter('getDefaultBranch', []);
    return this.defaultBranch;
  }

  async findReleaseByTag(tag: string): Promise<ReleaseInfo | undefined> {
    this.enter('findReleaseByTag', [tag]);
    const r = this.releases.find((x) => x.tagName === tag);
    return r && structuredClone(r);
  }

  async createRelease(input: { tag: string; name: string; body: string; draft: boolean; prerelease: boolean; targetCommitish?: string }): Promise<ReleaseInfo> {
    this.enter('createRelease', [input]);
    if (this.releases.some((x) => x.tagName === input.tag)) throw new UserError(`GitHub 422: a release for ${input.tag} already exists`);
    const id = ++this.lastId;
    const r: ReleaseInfo = {
      id, tagName: input.tag, name: input.name, body: input.body, draft: input.draft, prerelease: input.prerelease,
      htmlUrl: `https://github.com/${this.repo.owner}/${this.repo.repo}/releases/tag/${encodeURIComponent(input.tag)}`,
      uploadUrl: `https://uploads.github.com/repos/${this.repo.owner}/${this.repo.repo}/releases/${id}/assets{?name,label}`,
      assets: [],
    };
    this.releases.push(r);
    if (!input.draft) this.tags.set(input.tag, this.tags.get(input.tag) ?? 'f'.repeat(40));
    return structuredClone(r);
  }

  async updateRelease(id: number, patch: ReleasePatch): Promise<ReleaseInfo> {
    this.enter('updateRelease', [id, patch]);
    const r = this.release(id);
    const { tag, targetCommitish: _target, makeLatest: _latest, ...rest } = patch;
    Object.assign(r, rest, tag !== undefined && { tagName: tag });
    return structuredClone(r);
  }

  async deleteRelease(id: number): Promise<void> {
    this.enter('deleteRelease', [id]);
    const i = this.releases.findIndex((x) => x.id === id);
    if (i >= 0) this.releases.splice(i, 1);
  }

  async uploadAsset(release: ReleaseInfo, asset: { name: string; path: string; contentType?: string }): Promise<AssetInfo> {
    this.enter('uploadAsset', [release.id, asset]);
    const r = this.release(release.id);
    const data = await readFile(asset.path);
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const existing = r.assets.find((a) => a.name === asset.name);
    if (existing) {
      if (existing.digest === digest) return { ...existing };
      throw new UserError(`release asset ${asset.name} already exists with different content (${existing.digest})`);
    }
    const info: AssetInfo = {
      id: ++this.lastId,
      name: asset.name,
      size: data.length,
      downloadUrl: `https://github.com/${this.repo.owner}/${this.repo.repo}/releases/download/${encodeURIComponent(r.tagName)}/${encodeURIComponent(asset.name)}`,
      digest,
    };
    r.assets.push(info);
    this.assetData.set(info.id, data);
    return { ...info };
  }

  async deleteAsset(id: number): Promise<void> {
    this.enter('deleteAsset', [id]);
    for (const r of this.releases) r.assets = r.assets.filter((a) => a.id !== id);
    this.assetData.delete(id);
  }

  async downloadAsset(asset: AssetInfo): Promise<Buffer> {
    this.enter('downloadAsset', [asset]);
    const data = this.assetData.get(asset.id);
    if (!data) throw new UserError(`GitHub 404: asset ${asset.name} not found`);
    return Buffer.from(data);
  }

  async getTagRef(tag: string): Promise<{ sha: string } | undefined> {
    this.enter('getTagRef', [tag]);
    const sha = this.tags.get(tag);
    return sha ? { sha } : undefined;
  }

  async createTagRef(tag: string, sha: string): Promise<void> {
    this.enter('createTagRef', [tag, sha]);
    if (this.tags.has(tag)) throw new UserError(`GitHub 422: Reference already exists (tags/${tag})`);
    this.tags.set(tag, sha);
  }

  async updateTagRef(tag: string, sha: string, force: boolean): Promise<void> {
    this.enter('updateTagRef', [tag, sha, force]);
    if (!this.tags.has(tag)) throw new UserError(`GitHub 422: Reference does not exist (tags/${tag})`);
    this.tags.set(tag, sha);
  }

  async deleteTagRef(tag: string): Promise<void> {
    this.enter('deleteTagRef', [tag]);
    this.tags.delete(tag);
  }
}
