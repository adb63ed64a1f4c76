import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { UserError, type RetryOptions } from '@runway/errors';
import { escapeText, type Logger } from '@runway/log';
import { parseRegistry, type Registry, type RegistryProblem } from '@runway/registry';
import {
  deadlineAfter, discard, displayUrl, httpGet, readLocalText, readText, refuseResponse, withRetryBefore, type Deadline, type ReadLimit,
} from '@runway/safe-archive';
import { fetchCached, type FetchedIndex } from './http-cache';
import { describeSource, githubApiUrl, registryFilePath, registryId, type RegistrySource } from './registry-source';
import { fetchTrustFile, MAX_SIGNATURE_FILE_BYTES, signatureUrl } from './trust-files';
import { fetchTrustedIndex, type IndexTrust, type IndexTrustOptions } from './verify-index';

/** Default cap on a registry file: about 100,000 versions, hundreds of times the largest real one. */
export const DEFAULT_MAX_REGISTRY_BYTES = 32 * 1024 * 1024;
/** Default deadline for reading one registry, every request, redirect and retry included. */
export const DEFAULT_REGISTRY_DEADLINE_MS = 60_000;
/** Cap on the GitHub repository description read to find the default branch. */
const MAX_REPOSITORY_BYTES = 1024 * 1024;
/** Cap on the GitHub ref read to find the default branch's commit. */
const MAX_REF_BYTES = 64 * 1024;

/** A registry as read from one source, with the base that relative `download_url`s resolve against. */
export interface LoadedRegistry {
  source: RegistrySource;
  /** Identifies the registry across runs (`registryId`): the key of its trust state. */
  id: string;
  label: string;
  /** URL of the registry file itself; undefined when relative download URLs cannot be resolved (GitHub API). */
  base?: string;
  registry: Registry;
  problems: RegistryProblem[];
  /** True when a server error forced the use of an expired cached copy. */
  stale: boolean;
  /** Whether the index was verified against a pinned key, or read without one (signed or not). */
  trust: IndexTrust;
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
  /** Keys pinned for this registry: its index is verified before anything is read from it. */
  trust?: IndexTrustOptions;
}

function registryLimit(opts: LoadOptions): ReadLimit {
  return { maxBytes: opts.maxBytes ?? DEFAULT_MAX_REGISTRY_BYTES, what: 'the registry', raiseWith: '--max-registry-size' };
}

const SIGNATURE_LIMIT: ReadLimit = { maxBytes: MAX_SIGNATURE_FILE_BYTES, what: 'the registry signature' };

/** What a source yields before it is checked and parsed. */
interface Fetched extends FetchedIndex {
  label: string;
  base?: string;
  stale: boolean;
}

async function fetchFile(source: Extract<RegistrySource, { kind: 'file' }>, opts: LoadOptions, deadline: Deadline): Promise<Fetched> {
  if (!(await stat(source.path).catch(() => undefined))) {
    throw new UserError(`no such registry folder or file: ${escapeText(source.path, 500)}`, {
      hint: 'check the path (a folder must hold registry.json); for a GitHub repository write github:owner/repo',
    });
  }
  const file = await registryFilePath(source.path);
  const base = pathToFileURL(file).href;
  const body = await readLocalText(file, registryLimit(opts));
  const signature = await fetchTrustFile(signatureUrl(base), { limit: SIGNATURE_LIMIT, timeoutMs: opts.timeoutMs, deadline });
  return { label: file, base, body, signature, stale: false };
}

/**
 * One exchange with a registry server: the registry (conditional on `etag`) and, when it changed,
 * its signature; `targets` gives both addresses (for GitHub at one commit, so the pair cannot be torn).
 */
function exchange(opts: LoadOptions, deadline: Deadline, headers: Record<string, string>, targets: () => Promise<{ registry: string; signature: string }>) {
  return (etag: string | undefined) => withRetryBefore(deadline, async () => {
    const target = await targets();
    const res = await httpGet(target.registry, { headers: { ...headers, ...(etag && { 'If-None-Match': etag }) }, timeoutMs: opts.timeoutMs, deadline });
    if (res.status === 304) {
      discard(res);
      return { status: 304 as const };
    }
    if (!res.ok) return refuseResponse(target.registry, res, 'the registry');
    const body = await readText(res, registryLimit(opts));
    const signature = await fetchTrustFile(target.signature, { headers, limit: SIGNATURE_LIMIT, timeoutMs: opts.timeoutMs, deadline });
    return { status: 200 as const, body, signature, etag: res.headers.etag };
  }, opts.retry);
}

function fetchHttp(source: Extract<RegistrySource, { kind: 'http' }>, opts: LoadOptions, deadline: Deadline, fresh: boolean): Promise<Fetched> {
  const targets = async () => ({ registry: source.url, signature: signatureUrl(source.url) });
  return fetchCached(source.url, exchange(opts, deadline, { Accept: 'application/json' }, targets), (text) => void parseRegistry(text, source.url), { ...opts, bypass: fresh })
    .then((pair) => ({ ...pair, label: source.url, base: source.url }));
}

/** Reads a small JSON document from the GitHub API (bounded), refusing any other answer. */
async function githubJson(url: string, what: string, kind: string, maxBytes: number, headers: Record<string, string>, opts: LoadOptions, deadline: Deadline): Promise<Record<string, unknown>> {
  const res = await httpGet(url, { headers: { ...headers, Accept: 'application/vnd.github+json' }, timeoutMs: opts.timeoutMs, deadline });
  if (!res.ok) return refuseResponse(url, res, what);
  const text = await readText(res, { maxBytes, what });
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UserError(`${displayUrl(url)} did not answer with ${kind} (JSON)`, { hint: 'check GITHUB_API_URL: it must be a GitHub REST API' });
}

/**
 * The commit at the tip of a GitHub repository's default branch: the registry and its signature
 * are both read at it, so a push between the two reads cannot pair one version's registry with
 * another's signature.
 */
async function defaultBranchCommit(repoUrl: string, source: Extract<RegistrySource, { kind: 'github' }>, headers: Record<string, string>, opts: LoadOptions, deadline: Deadline): Promise<string> {
  const repo = await githubJson(repoUrl, `repository ${source.owner}/${source.repo}`, 'a repository', MAX_REPOSITORY_BYTES, headers, opts, deadline);
  const branch = repo.default_branch;
  if (typeof branch !== 'string' || branch === '') throw new UserError(`${displayUrl(repoUrl)} did not report a default branch`);
  const refUrl = `${repoUrl}/git/ref/heads/${branch.split('/').map(encodeURIComponent).join('/')}`;
  const sha = ((await githubJson(refUrl, `the branch ${escapeText(branch, 200)}`, 'a git reference', MAX_REF_BYTES, headers, opts, deadline)).object as { sha?: unknown } | undefined)?.sha;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new UserError(`${displayUrl(refUrl)} did not report the branch's commit`);
  return sha;
}

function fetchGitHub(source: Extract<RegistrySource, { kind: 'github' }>, opts: LoadOptions, deadline: Deadline, fresh: boolean): Promise<Fetched> {
  const api = githubApiUrl(opts.env);
  const headers: Record<string, string> = { 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'runway-cli' };
  if (opts.env.GITHUB_TOKEN) headers.Authorization = `Bearer ${opts.env.GITHUB_TOKEN}`;
  const repoUrl = `${api}/repos/${source.owner}/${source.repo}`;
  const targets = async () => {
    const ref = encodeURIComponent(await defaultBranchCommit(repoUrl, source, headers, opts, deadline));
    return { registry: `${repoUrl}/contents/registry.json?ref=${ref}`, signature: `${repoUrl}/contents/registry.json.sig?ref=${ref}` };
  };
  const label = describeSource(source);
  return fetchCached(`${api}|${label}`, exchange(opts, deadline, { ...headers, Accept: 'application/vnd.github.raw+json' }, targets), (text) => void parseRegistry(text, label), { ...opts, bypass: fresh })
    .then((pair) => ({ ...pair, label }));
}

async function fetchSource(source: RegistrySource, opts: LoadOptions, deadline: Deadline, fresh: boolean): Promise<Fetched> {
  if (source.kind === 'file') return fetchFile(source, opts, deadline);
  if (source.kind === 'http') return fetchHttp(source, opts, deadline, fresh);
  try {
    return await fetchGitHub(source, opts, deadline, fresh);
  } catch (err) {
    if (source.orPath === undefined) throw err;
    throw new UserError(`"${source.owner}/${source.repo}" is neither a registry folder or file here (${escapeText(source.orPath, 500)} does not exist) nor a GitHub repository that could be read (${(err as Error).message})`, {
      hint: `write ./${source.owner}/${source.repo} for a local folder, or github:${source.owner}/${source.repo} for the repository`,
      cause: err,
    });
  }
}

/**
 * Reads one registry: a local file or directory, an HTTP(S) URL (cached, see `fetchCached`), or a
 * GitHub repository's `registry.json` on its default branch through the REST API
 * (`GITHUB_API_URL`, `GITHUB_TOKEN` when set; the token is only ever sent, never printed), each
 * with its detached signature `registry.json.sig` next to it. With keys pinned (`opts.trust`) the
 * index is verified before it is parsed (`fetchTrustedIndex`). Every read is bounded: at most
 * `maxBytes`, and done within `deadlineMs` (retries included) or failed as a `TransientError`. A
 * bare `owner/repo` that GitHub cannot serve either is reported as possibly a missing local folder
 * (a `UserError`).
 */
export async function loadRegistry(source: RegistrySource, opts: LoadOptions): Promise<LoadedRegistry> {
  const deadline = deadlineAfter(opts.deadlineMs ?? DEFAULT_REGISTRY_DEADLINE_MS);
  const id = await registryId(source, opts.env);
  const { fetched, trust } = await fetchTrustedIndex({ id, label: describeSource(source), trust: opts.trust, now: opts.now() }, (fresh) => fetchSource(source, opts, deadline, fresh));
  const { registry, problems } = parseRegistry(fetched.body, escapeText(fetched.label, 500));
  return { source, id, label: fetched.label, base: fetched.base, registry, problems, stale: fetched.stale, trust };
}
