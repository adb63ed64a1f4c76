import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError, withRetry, type RetryOptions } from '@runway/errors';
import type { Logger } from '@runway/log';
import { parseRegistry, type Registry, type RegistryProblem } from '@runway/registry';
import { readRegistry } from '@runway/registry-file';
import { fetchCached } from './http-cache';
import { discard, httpGet, readText, refuseResponse } from '@runway/safe-archive';
import { describeSource, type RegistrySource } from './registry-source';

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
  timeoutMs: number;
  retry?: RetryOptions;
}

async function loadFile(source: Extract<RegistrySource, { kind: 'file' }>): Promise<LoadedRegistry> {
  const info = await stat(source.path).catch(() => undefined);
  const file = info?.isDirectory() ? join(source.path, 'registry.json') : source.path;
  const { registry, problems } = await readRegistry(file);
  return { source, label: file, base: pathToFileURL(file).href, registry, problems, stale: false };
}

async function loadHttp(url: string, key: string, headers: Record<string, string>, resolveUrl: () => Promise<string>, opts: LoadOptions) {
  const { body, stale } = await fetchCached(
    key,
    (etag) => withRetry(async () => {
      const target = await resolveUrl();
      const res = await httpGet(target, { headers: { ...headers, ...(etag && { 'If-None-Match': etag }) }, timeoutMs: opts.timeoutMs });
      if (res.status === 304) {
        discard(res);
        return { status: 304 as const };
      }
      if (!res.ok) return refuseResponse(target, res, 'the registry');
      return { status: 200 as const, body: await readText(res), etag: res.headers.etag };
    }, opts.retry),
    (text) => void parseRegistry(text, url),
    opts,
  );
  return { ...parseRegistry(body, url), stale };
}

/**
 * Reads one registry: a local file or directory, an HTTP(S) URL (cached, see `fetchCached`), or a
 * GitHub repository's `registry.json` on its default branch through the REST API
 * (`GITHUB_API_URL`, `GITHUB_TOKEN` when set; the token is only ever sent, never printed).
 */
export async function loadRegistry(source: RegistrySource, opts: LoadOptions): Promise<LoadedRegistry> {
  if (source.kind === 'file') return loadFile(source);
  if (source.kind === 'http') {
    const loaded = await loadHttp(source.url, source.url, { Accept: 'application/json' }, async () => source.url, opts);
    return { source, label: source.url, base: source.url, ...loaded };
  }
  const api = (opts.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const headers: Record<string, string> = { 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'runway-cli' };
  if (opts.env.GITHUB_TOKEN) headers.Authorization = `Bearer ${opts.env.GITHUB_TOKEN}`;
  const repoUrl = `${api}/repos/${source.owner}/${source.repo}`;
  const contentsUrl = async () => {
    const res = await httpGet(repoUrl, { headers: { ...headers, Accept: 'application/vnd.github+json' }, timeoutMs: opts.timeoutMs });
    if (!res.ok) return refuseResponse(repoUrl, res, `repository ${source.owner}/${source.repo}`);
    const branch = (JSON.parse(await readText(res)) as { default_branch?: string }).default_branch;
    if (!branch) throw new UserError(`${repoUrl} did not report a default branch`);
    return `${repoUrl}/contents/registry.json?ref=${encodeURIComponent(branch)}`;
  };
  const label = describeSource(source);
  const loaded = await loadHttp(label, `${api}|${label}`, { ...headers, Accept: 'application/vnd.github.raw+json' }, contentsUrl, opts);
  return { source, label, ...loaded };
}
