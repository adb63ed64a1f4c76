import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeTextAtomically } from '@runway/atomic-write';
import { join } from 'node:path';
import { TransientError } from '@runway/errors';
import type { Logger } from '@runway/log';

export const DEFAULT_TTL_MS = 60 * 60 * 1000;

/**
 * A registry as fetched: its text and the text of its detached signature (`registry.json.sig`),
 * or null when the server has none. The two are fetched in one exchange and cached as one
 * record, so a cached registry is never paired with a fresh signature or the reverse.
 */
export interface FetchedIndex {
  body: string;
  signature: string | null;
}

/** What the cache stores per registry: the pair and its validator, versioned like every persisted format. */
interface CacheRecord extends FetchedIndex {
  /** 2: the signature is stored with the body (format 1 records had none and are fetched again). */
  format: 2;
  kind: 'registry-cache';
  key: string;
  etag?: string;
  fetched_at: number;
}

export interface CachedFetchOptions {
  cacheDir: string;
  /** Ignore the TTL and always ask the server (still with If-None-Match). */
  refresh: boolean;
  /**
   * Ignore the cached copy altogether: no TTL, no If-None-Match, no fallback to it when the server
   * fails. For fetching again a pair that was refused (a torn read, a damaged cache).
   */
  bypass?: boolean;
  ttlMs: number;
  now: () => Date;
  logger: Logger;
}

/**
 * `request(etag)` performs one exchange; it sends If-None-Match with the registry request when
 * `etag` is given. On a 200 it fetches the signature too; a 304 keeps the cached pair as a whole.
 */
export type ConditionalRequest = (etag: string | undefined) => Promise<({ status: 200; etag?: string } & FetchedIndex) | { status: 304 }>;

function cacheFile(cacheDir: string, key: string): string {
  return join(cacheDir, 'registries', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
}

async function readRecord(file: string, key: string): Promise<CacheRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as CacheRecord;
    const valid = record.format === 2 && record.kind === 'registry-cache' && record.key === key && typeof record.body === 'string'
      && (record.signature === null || typeof record.signature === 'string');
    return valid ? record : undefined;
  } catch {
    return undefined; // missing or corrupt cache: behave as if there were none
  }
}

/** Stores a record; a cache that cannot be written (read-only, below a file) only costs a warning. */
async function writeRecord(file: string, record: CacheRecord, logger: Logger): Promise<void> {
  try {
    await writeTextAtomically(file, JSON.stringify(record), { mkdirs: true });
  } catch (err) {
    logger.warn(`registry not cached: ${(err as Error).message}`);
  }
}

/**
 * Returns the registry and its signature for `key` from the cache when younger than the TTL, else
 * revalidates with the server (ETag / 304). `accept` checks a new body before it is cached, so a
 * broken answer never replaces a good copy. When the server fails transiently and a cached copy
 * exists, of any age, that copy is used with a warning (`stale: true`): an offline machine can
 * still install what it knew about. Without a cached copy (or with `bypass`) the error propagates.
 */
export async function fetchCached(key: string, request: ConditionalRequest, accept: (body: string) => void, opts: CachedFetchOptions): Promise<FetchedIndex & { stale: boolean }> {
  const file = cacheFile(opts.cacheDir, key);
  const cached = opts.bypass ? undefined : await readRecord(file, key);
  const now = opts.now().getTime();
  const pair = (r: FetchedIndex, stale: boolean) => ({ body: r.body, signature: r.signature, stale });
  if (cached && !opts.refresh && now - cached.fetched_at >= 0 && now - cached.fetched_at < opts.ttlMs) return pair(cached, false);
  try {
    const res = await request(cached?.etag);
    if (res.status === 304) {
      if (!cached) throw new TransientError(`${key}: server answered 304 Not Modified without a cached copy`);
      await writeRecord(file, { ...cached, fetched_at: now }, opts.logger);
      return pair(cached, false);
    }
    accept(res.body);
    await writeRecord(file, { format: 2, kind: 'registry-cache', key, etag: res.etag, fetched_at: now, body: res.body, signature: res.signature }, opts.logger);
    return pair(res, false);
  } catch (err) {
    if (!(err instanceof TransientError) || !cached) throw err;
    const age = Math.round((now - cached.fetched_at) / 60_000);
    opts.logger.warn(`${err.message}; using the cached registry from ${age} minute(s) ago`);
    return pair(cached, true);
  }
}
