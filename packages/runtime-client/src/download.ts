import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TransientError, UserError } from '@runway/errors';
import { displayUrl, httpGet, refuseResponse } from './http';

/**
 * Resolves an entry's `download_url` against the registry's own URL, so a directory registry
 * works from disk and over HTTP. `file:` results are allowed only for local registries: a remote
 * registry must not make the client read local files.
 */
export function resolveDownloadUrl(downloadUrl: string, base: string | undefined, registryLabel: string): string {
  let url: URL;
  try {
    url = base === undefined ? new URL(downloadUrl) : new URL(downloadUrl, base);
  } catch {
    throw new UserError(`${registryLabel}: download_url "${downloadUrl}" is relative, but this registry has no base address to resolve it against`, {
      hint: 'registries served through the GitHub API must use absolute download URLs',
    });
  }
  if (url.protocol === 'file:' && !(base ?? '').startsWith('file:')) {
    throw new UserError(`${registryLabel}: download_url "${downloadUrl}" points to a local file, which only a local registry may do`);
  }
  if (!['file:', 'http:', 'https:'].includes(url.protocol)) {
    throw new UserError(`${registryLabel}: download_url "${downloadUrl}" uses unsupported protocol ${url.protocol}`);
  }
  return url.href;
}

export interface DownloadOptions {
  /** Fails when no response headers, and then no new data, arrive within this time. */
  idleTimeoutMs: number;
}

/**
 * Streams the bytes at `url` (http(s) or file). Network failures, 5xx and stalls surface as
 * `TransientError` (possibly mid-stream) so the installer can retry the whole pass.
 */
export async function* openDownload(url: string, opts: DownloadOptions): AsyncGenerator<Uint8Array> {
  if (url.startsWith('file:')) {
    const path = fileURLToPath(url);
    try {
      yield* createReadStream(path, { highWaterMark: 256 * 1024 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`package file ${path} does not exist`, { hint: 'the registry points to a file that was never published' });
      throw err;
    }
    return;
  }
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), opts.idleTimeoutMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), opts.idleTimeoutMs);
  };
  try {
    const res = await httpGet(url, { timeoutMs: opts.idleTimeoutMs, signal: controller.signal });
    if (!res.ok || !res.body) return await refuseResponse(url, res, 'the package');
    try {
      for await (const chunk of res.body) {
        touch();
        yield chunk;
      }
    } catch (err) {
      const reason = controller.signal.aborted ? `no data for ${opts.idleTimeoutMs} ms` : (err as Error).message;
      throw new TransientError(`download of ${displayUrl(url)} broke off: ${reason}`, { cause: err });
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
