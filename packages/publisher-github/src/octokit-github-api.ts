import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { TransientError, UserError } from '@runway/errors';
import { sha256File } from '@runway/file-hash';
import { type Logger, redact } from '@runway/log';
import Bottleneck from 'bottleneck';
import type { AssetInfo, GitHubApi, ReleaseInfo, ReleasePatch } from './github-api';
import { parseRepository } from './github-settings';
import { ReleaseTagTakenError, statusOf, toRunwayError, validationCodes } from './map-error';

/** Waits and limits; the defaults suit github.com, specs shrink them so retries take milliseconds. */
export interface GitHubTiming {
  /** Unit of every retry wait (GitHub's `retry-after` is in seconds): default 1000. */
  retryAfterBaseMs?: number;
  /**
   * Minimum gap between writes, GitHub's advice for content-creating requests: default 1000.
   * Writes that notify people (creating a release) wait three times as long, as octokit does.
   */
  writeIntervalMs?: number;
  /** Per attempt, for everything but uploads: default 60 s. */
  requestTimeoutMs?: number;
  /** Per upload attempt: default 30 min. */
  uploadTimeoutMs?: number;
}

export interface GitHubApiOptions {
  token: string;
  /** `owner/repo`. */
  repository: string;
  /** REST base (GITHUB_API_URL); default https://api.github.com. */
  apiUrl?: string;
  userAgent?: string;
  /** Retries after the first attempt on 5xx, rate limits, timeouts and resets: default 3. */
  retries?: number;
  logger?: Logger;
  timing?: GitHubTiming;
}

type Json = Record<string, any>;

function toAsset(a: Json): AssetInfo {
  return { id: a.id, name: a.name, size: a.size, downloadUrl: a.browser_download_url, ...(a.digest && { digest: a.digest }) };
}

function toRelease(r: Json): ReleaseInfo {
  return {
    id: r.id,
    tagName: r.tag_name,
    name: r.name ?? '',
    body: r.body ?? '',
    draft: r.draft,
    prerelease: r.prerelease,
    htmlUrl: r.html_url,
    uploadUrl: r.upload_url,
    assets: (r.assets ?? []).map(toAsset),
  };
}

/** A fetch that gives up on each attempt after `ms`, so a hung connection becomes a retryable error. */
function timedFetch(ms: number, body?: () => RequestInit['body']): typeof fetch {
  return (url, init = {}) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(url, { ...init, signal, ...(body && { body: body(), duplex: 'half' }) } as RequestInit);
  };
}

/**
 * The octokit-backed `GitHubApi`. Octokit's retry and throttling plugins retry 5xx, network
 * failures, timeouts and rate limits (honouring `retry-after` / `x-ratelimit-reset`); whatever
 * still fails is mapped to `UserError` or `TransientError`. Deletes of things already gone are
 * no-ops so every step can run twice.
 */
export function createGitHubApi(opts: GitHubApiOptions): GitHubApi {
  const repo = parseRepository(opts.repository);
  const retries = opts.retries ?? 3;
  const timing = { retryAfterBaseMs: 1000, writeIntervalMs: 1000, requestTimeoutMs: 60_000, uploadTimeoutMs: 30 * 60_000, ...opts.timing };
  const secrets = [opts.token];
  const say = (level: 'info' | 'warn', m: string) => opts.logger?.[level](redact(m, secrets));
  const onLimit = (what: string) => (retryAfter: number, options: Json, _o: unknown, retryCount: number) => {
    say('warn', `GitHub ${what} on ${options.method} ${options.url}: retrying in ${retryAfter} s (${retryCount + 1}/${retries})`);
    return retryCount < retries;
  };
  // Loaded here, not at import: directory-only releases import this package for
  // githubSettingsFromEnv and would otherwise pay ~120 ms loading octokit for nothing.
  const { Octokit } = require('octokit') as typeof import('octokit');
  const octokit = new Octokit({
    auth: opts.token,
    baseUrl: (opts.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: opts.userAgent ?? 'runway',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => say('warn', m), error: (m: string) => say('warn', m) },
    retry: { retries, retryAfterBaseValue: timing.retryAfterBaseMs },
    throttle: {
      retryAfterBaseValue: timing.retryAfterBaseMs,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: timing.writeIntervalMs }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * timing.writeIntervalMs }),
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
    request: { fetch: timedFetch(timing.requestTimeoutMs) },
  });
  const ctx = { repository: `${repo.owner}/${repo.repo}`, token: opts.token };

  async function call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      // Our own verdicts (e.g. a conflicting asset) pass through; only octokit's failures are mapped.
      if (err instanceof UserError || err instanceof TransientError) throw err;
      throw toRunwayError(err, doing, ctx);
    }
  }

  /** Runs `fn`, treating 404 (and the given other statuses) as "already gone". */
  async function unlessGone(doing: string, fn: () => Promise<unknown>, alsoGone: number[] = []): Promise<void> {
    await call(doing, async () => {
      try {
        await fn();
      } catch (err) {
        if (statusOf(err) !== 404 && !alsoGone.includes(statusOf(err) ?? 0)) throw err;
      }
    });
  }

  async function listAssets(releaseId: number): Promise<Json[]> {
    return octokit.paginate(octokit.rest.repos.listReleaseAssets, { ...repo, release_id: releaseId, per_page: 100 }) as Promise<Json[]>;
  }

  /** The existing asset called `name` if it holds the same bytes; throws if it holds others. Deletes half-uploaded leftovers. */
  async function existingAsset(releaseId: number, name: string, path: string, size: number): Promise<AssetInfo | undefined> {
    const found = (await listAssets(releaseId)).find((a) => a.name === name);
    if (!found) return undefined;
    if (found.state !== 'uploaded') {
      // An interrupted upload leaves an asset in state "starter"/"open"; GitHub says to delete it.
      say('warn', `deleting incomplete asset ${name} (state ${found.state}) before uploading again`);
      await octokit.rest.repos.deleteReleaseAsset({ ...repo, asset_id: found.id });
      return undefined;
    }
    const same = found.size === size && (!found.digest || found.digest === `sha256:${(await sha256File(path)).sha256}`);
    if (same) return toAsset(found);
    throw new UserError(`release asset ${name} already exists on ${ctx.repository} with different content (${found.digest ?? `${found.size} bytes`})`, {
      hint: 'a published version is immutable: bump the version, or delete the asset if this release is still a draft',
    });
  }

  const api: GitHubApi = {
    repo,

    getDefaultBranch: () => call('reading the repository', async () => (await octokit.rest.repos.get(repo)).data.default_branch),

    getPublishedRelease: (tag) =>
      call(`reading the release ${tag}`, async () => {
        try {
          return toRelease((await octokit.rest.repos.getReleaseByTag({ ...repo, tag })).data as Json);
        } catch (err) {
          if (statusOf(err) === 404) return undefined;
          throw err;
        }
      }),

    listReleasesForTag: (tag) =>
      call(`looking for releases of ${tag}`, async () => {
        const all = await octokit.paginate(octokit.rest.repos.listReleases, { ...repo, per_page: 100 }) as Json[];
        return all.filter((r) => r.tag_name === tag).map(toRelease).sort((a, b) => a.id - b.id);
      }),

    // Not retried into an existing release on 422: a run publishes only the draft it created
    // itself (identified by the id returned here), never one another run is filling.
    createRelease: (input) =>
      call(`creating the release ${input.tag}`, async () => {
        const { data } = await octokit.rest.repos.createRelease({
          ...repo,
          tag_name: input.tag,
          name: input.name,
          body: input.body,
          draft: input.draft,
          prerelease: input.prerelease,
          ...(input.targetCommitish && { target_commitish: input.targetCommitish }),
        });
        return toRelease(data);
      }),

    updateRelease: (id, patch: ReleasePatch) =>
      call(`updating release ${id}`, async () => {
        try {
          const { data } = await octokit.rest.repos.updateRelease({
            ...repo,
            release_id: id,
            ...(patch.tag !== undefined && { tag_name: patch.tag }),
            ...(patch.name !== undefined && { name: patch.name }),
            ...(patch.body !== undefined && { body: patch.body }),
            ...(patch.draft !== undefined && { draft: patch.draft }),
            ...(patch.prerelease !== undefined && { prerelease: patch.prerelease }),
            ...(patch.targetCommitish !== undefined && { target_commitish: patch.targetCommitish }),
            ...(patch.makeLatest !== undefined && { make_latest: patch.makeLatest ? 'true' : 'false' }),
          });
          return toRelease(data);
        } catch (err) {
          if (statusOf(err) === 422 && validationCodes(err).includes('already_exists')) {
            throw new ReleaseTagTakenError(`release ${id} on ${ctx.repository} cannot be published: its tag already has a published release`, err);
          }
          throw err;
        }
      }),

    deleteRelease: (id) => unlessGone(`deleting release ${id}`, () => octokit.rest.repos.deleteRelease({ ...repo, release_id: id })),

    uploadAsset: async (release, asset) => {
      const size = await stat(asset.path).then(
        (s) => s.size,
        (err: unknown) => {
          throw new UserError(`cannot read ${asset.path} to upload it as ${asset.name}`, { cause: err });
        },
      );
      return call(`uploading ${asset.name} to ${release.tagName}`, async () => {
        // Two passes: the second covers an attempt that landed on GitHub but whose answer was lost.
        for (let pass = 0; ; pass++) {
          const existing = await existingAsset(release.id, asset.name, asset.path, size);
          if (existing) return existing;
          try {
            const { data } = await octokit.request({
              method: 'POST',
              url: release.uploadUrl,
              name: asset.name,
              headers: { 'content-type': asset.contentType ?? 'application/octet-stream', 'content-length': size },
              // The file is opened per attempt, so octokit's retries re-send it from the start.
              request: { fetch: timedFetch(timing.uploadTimeoutMs, () => Readable.toWeb(createReadStream(asset.path)) as unknown as RequestInit['body']) },
            });
            return toAsset(data as Json);
          } catch (err) {
            if (pass > 0 || statusOf(err) !== 422 || !validationCodes(err).includes('already_exists')) throw err;
          }
        }
      });
    },

    deleteAsset: (id) => unlessGone(`deleting asset ${id}`, () => octokit.rest.repos.deleteReleaseAsset({ ...repo, asset_id: id })),

    downloadAsset: (asset) =>
      call(`downloading ${asset.name}`, async () => {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...repo, asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
        return Buffer.from(data as unknown as ArrayBuffer);
      }),

  };
  return api;
}
