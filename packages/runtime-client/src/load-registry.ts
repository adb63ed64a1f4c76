import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError, type RetryOptions } from '@runway/errors';
import { escapeText, type Logger } from '@runway/log';
import { parseRegistry, type Registry, type RegistryProblem } from '@runway/registry';
import {
  deadlineAfter, discard, displayUrl, httpGet, readLocalText, readText, refuseResponse, withRetryBefore, type Deadline, type ReadLimit,
} from '@runway/safe-archive';
import { fetchCached } from './http-cache';
import { describeSource, type RegistrySource } from './registry-source';

/** Default cap on a registry file: about 100,000 versions, hundreds of times the largest real one. */
export const DEFAULT_MAX_REGISTRY_BYTES = 32 * 1024 * 1024;
/** Default deadline for reading one registry, every request, redirect and retry included. */
export const DEFAULT_REGISTRY_DEADLINE_MS = 60_000;
/** Cap on the GitHub repository description read to find the default branch. */
const MAX_REPOSITORY_BYTES = 1024 * 1024;

/** A registry as read from one source, with the base that relative `download_url`s resolve against. */
export interface LoadedRegistry {
  source: RegistrySource;
  label: string;
  /** URL of the registry file itself; undefined when relative download URLs cannot be resolved (GitHub API). */
  base?: string;
  registry: Registry;
  problems: RegistryProblem[];
  /** True when a server error forced the use of an expired cached copy. */
  stale: boolean;
}

export interface LoadOptions {
  cacheDir: string;
  refresh: boolean;
  ttlMs: number;
  now: () => Date;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** A connection silent this long fails (and is retried). */
  timeoutMs: number;
  /** Reading the registry, retries included, must be done within this (default `DEFAULT_REGISTRY_DEADLINE_MS`). */
  deadlineMs?: number;
  /** Cap on the registry's size, local or remote (default `DEFAULT_MAX_REGISTRY_BYTES`). */
  maxBytes?: number;
  retry?: RetryOptions;
}

function registryLimit(opts: LoadOptions): ReadLimit {
  return { maxBytes: opts.maxBytes ?? DEFAULT_MAX_REGISTRY_BYTES, what: 'the registry', raiseWith: '--max-registry-size' };
}

async function loadFile(source: Extract<RegistrySource, { kind: 'file' }>, opts: LoadOptions): Promise<LoadedRegistry> {
  const info = await stat(source.path).catch(() => undefined);
  if (!info) {
    throw new UserError(`no such registry folder or file: ${escapeText(source.path, 500)}`, {
      hint: 'check the path (a folder must hold registry.json); for a GitHub repository write github:owner/repo',
    });
  }
  const file = info.isDirectory() ? join(source.path, 'registry.json') : source.path;
  const { registry, problems } = parseRegistry(await readLocalText(file, registryLimit(opts)), escapeText(file, 500));
  return { source, label: file, base: pathToFileURL(file).href, registry, problems, stale: false };
}

async function loadHttp(url: string, key: string, headers: Record<string, string>, resolveUrl: () => Promise<string>, opts: LoadOptions, deadline: Deadline) {
  const { body, stale } = await fetchCached(
    key,
    (etag) => withRetryBefore(deadline, async () => {
      const target = await resolveUrl();
      const res = await httpGet(target, { headers: { ...headers, ...(etag && { 'If-None-Match': etag }) }, timeoutMs: opts.timeoutMs, deadline });
      if (res.status === 304) {
        discard(res);
        return { status: 304 as const };
      }
      if (!res.ok) return refuseResponse(target, res, 'the registry');
      return { status: 200 as const, body: await readText(res, registryLimit(opts)), etag: res.headers.etag };
    }, opts.retry),
    (text) => void parseRegistry(text, url),
    opts,
  );
  return { ...parseRegistry(body, url), stale };
}

/** The default branch of a GitHub repository, from its description (bounded, and checked to be one). */
async function defaultBranch(repoUrl: string, source: Extract<RegistrySource, { kind: 'github' }>, headers: Record<string, string>, opts: LoadOptions, deadline: Deadline): Promise<string> {
  const res = await httpGet(repoUrl, { headers: { ...headers, Accept: 'application/vnd.github+json' }, timeoutMs: opts.timeoutMs, deadline });
  if (!res.ok) return refuseResponse(repoUrl, res, `repository ${source.owner}/${source.repo}`);
  const text = await readText(res, { maxBytes: MAX_REPOSITORY_BYTES, what: 'the repository description' });
  let branch: unknown;
  try {
    branch = (JSON.parse(text) as { default_branch?: unknown } | null)?.default_branch;
  } catch {
    throw new UserError(`${displayUrl(repoUrl)} did not answer with a repository (JSON)`, { hint: 'check GITHUB_API_URL: it must be a GitHub REST API' });
  }
  if (typeof branch !== 'string' || branch === '') throw new UserError(`${displayUrl(repoUrl)} did not report a default branch`);
  return branch;
}

async function loadGitHub(source: Extract<RegistrySource, { kind: 'github' }>, opts: LoadOptions, deadline: Deadline): Promise<LoadedRegistry> {
  const api = (opts.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const headers: Record<string, string> = { 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'runway-cli' };
  if (opts.env.GITHUB_TOKEN) headers.Authorization = `Bearer ${opts.env.GITHUB_TOKEN}`;
  const repoUrl = `${api}/repos/${source.owner}/${source.repo}`;
  const contentsUrl = async () => `${repoUrl}/contents/registry.json?ref=${encodeURIComponent(await defaultBranch(repoUrl, source, headers, opts, deadline))}`;
  const label = describeSource(source);
  const loaded = await loadHttp(label, `${api}|${label}`, { ...headers, Accept: 'application/vnd.github.raw+json' }, contentsUrl, opts, deadline);
  return { source, label, ...loaded };
}

/**
 * Reads one registry: a local file or directory, an HTTP(S) URL (cached, see `fetchCached`), or a
 * GitHub repository's `registry.json` on its default branch through the REST API
 * (`GITHUB_API_URL`, `GITHUB_TOKEN` when set; the token is only ever sent, never printed). Every
 * read is bounded: at most `maxBytes`, and done within `deadlineMs` (retries included) or failed
 * as a `TransientError`. A bare `owner/repo` that GitHub cannot serve either is reported as
 * possibly a missing local folder (a `UserError`).
 */
export async function loadRegistry(source: RegistrySource, opts: LoadOptions): Promise<LoadedRegistry> {
  if (source.kind === 'file') return loadFile(source, opts);
  const deadline = deadlineAfter(opts.deadlineMs ?? DEFAULT_REGISTRY_DEADLINE_MS);
  if (source.kind === 'http') {
    const loaded = await loadHttp(source.url, source.url, { Accept: 'application/json' }, async () => source.url, opts, deadline);
    return { source, label: source.url, base: source.url, ...loaded };
  }
  try {
    return await loadGitHub(source, opts, deadline);
  } catch (err) {
    if (source.orPath === undefined) throw err;
    throw new UserError(`"${source.owner}/${source.repo}" is neither a registry folder or file here (${escapeText(source.orPath, 500)} does not exist) nor a GitHub repository that could be read (${(err as Error).message})`, {
      hint: `write ./${source.owner}/${source.repo} for a local folder, or github:${source.owner}/${source.repo} for the repository`,
      cause: err,
    });
  }
}
