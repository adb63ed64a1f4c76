import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeTextAtomically } from '@runway/atomic-write';
import { join } from 'node:path';
import { TransientError } from '@runway/errors';
import type { Logger } from '@runway/log';

export const DEFAULT_TTL_MS = 60 * 60 * 1000;

/** What the cache stores per registry: the body and its validator, versioned like every persisted format. */
interface CacheRecord {
  format: 1;
  kind: 'registry-cache';
  key: string;
  etag?: string;
  fetched_at: number;
  body: string;
}

export interface CachedFetchOptions {
  cacheDir: string;
  /** Ignore the TTL and always ask the server (still with If-None-Match). */
  refresh: boolean;
  ttlMs: number;
  now: () => Date;
  logger: Logger;
}

/** `request(etag)` performs one HTTP exchange; it sends If-None-Match when `etag` is given. */
export type ConditionalRequest = (etag: string | undefined) => Promise<{ status: 200; body: string; etag?: string } | { status: 304 }>;

function cacheFile(cacheDir: string, key: string): string {
  return join(cacheDir, 'registries', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
}

async function readRecord(file: string, key: string): Promise<CacheRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as CacheRecord;
    return record.format === 1 && record.kind === 'registry-cache' && record.key === key ? record : undefined;
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
 * Returns the body for `key` from the cache when younger than the TTL, else revalidates with the
 * server (ETag / 304). `accept` checks a new body before it is cached, so a broken answer never
 * replaces a good copy. When the server fails transiently and a cached copy exists, of any age,
 * that copy is used with a warning (`stale: true`): an offline machine can still install what it
 * knew about. Without a cached copy the error propagates.
 */
export async function fetchCached(key: string, request: ConditionalRequest, accept: (body: string) => void, opts: CachedFetchOptions): Promise<{ body: string; stale: boolean }> {
  const file = cacheFile(opts.cacheDir, key);
  const cached = await readRecord(file, key);
  const now = opts.now().getTime();
  if (cached && !opts.refresh && now - cached.fetched_at >= 0 && now - cached.fetched_at < opts.ttlMs) return { body: cached.body, stale: false };
  try {
    const res = await request(cached?.etag);
    if (res.status === 304) {
      if (!cached) throw new TransientError(`${key}: server answered 304 Not Modified without a cached copy`);
      await writeRecord(file, { ...cached, fetched_at: now }, opts.logger);
      return { body: cached.body, stale: false };
    }
    accept(res.body);
    await writeRecord(file, { format: 1, kind: 'registry-cache', key, etag: res.etag, fetched_at: now, body: res.body }, opts.logger);
    return { body: res.body, stale: false };
  } catch (err) {
    if (!(err instanceof TransientError) || !cached) throw err;
    const age = Math.round((now - cached.fetched_at) / 60_000);
    opts.logger.warn(`${err.message}; using the cached registry from ${age} minute(s) ago`);
    return { body: cached.body, stale: true };
  }
}
