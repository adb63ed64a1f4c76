import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { TransientError, UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import type { Deadline } from './deadline';
import { displayUrl, httpGet, refuseResponse } from './http';
import { openRegularFile } from './local-file';

/**
 * Resolves an entry's `download_url` against the registry's own URL, so a directory registry
 * works from disk and over HTTP. `file:` results are allowed only for local registries: a remote
 * registry must not make the client read local files.
 */
export function resolveDownloadUrl(downloadUrl: string, base: string | undefined, registryLabel: string): string {
  let url: URL;
  const label = escapeText(registryLabel, 500);
  const shown = escapeText(downloadUrl, 500);
  try {
    url = base === undefined ? new URL(downloadUrl) : new URL(downloadUrl, base);
  } catch {
    throw new UserError(`${label}: download_url "${shown}" is relative, but this registry has no base address to resolve it against`, {
      hint: 'registries served through the GitHub API must use absolute download URLs',
    });
  }
  if (url.protocol === 'file:' && !(base ?? '').startsWith('file:')) {
    throw new UserError(`${label}: download_url "${shown}" points to a local file, which only a local registry may do`);
  }
  if (!['file:', 'http:', 'https:'].includes(url.protocol)) {
    throw new UserError(`${label}: download_url "${shown}" uses unsupported protocol ${escapeText(url.protocol, 50)}`);
  }
  return url.href;
}

export interface DownloadOptions {
  /** Fails when no response headers, and then no new data, arrive within this time. */
  idleTimeoutMs: number;
  /** Fails when the download is not complete by then, however steadily data trickles in. */
  deadline?: Deadline;
}

/** Opens the underlying stream: a local regular file, or an HTTP body after a 2xx answer. */
async function openSource(url: string, opts: DownloadOptions): Promise<Readable> {
  if (url.startsWith('file:')) {
    const handle = await openRegularFile(fileURLToPath(url), 'package file');
    return handle.createReadStream({ highWaterMark: 256 * 1024 });
  }
  const res = await httpGet(url, { timeoutMs: opts.idleTimeoutMs, deadline: opts.deadline });
  if (!res.ok) refuseResponse(url, res, 'the package');
  return res.body;
}

/** Gives a read failure its meaning for the installer: a local file problem is the user's, a broken connection is retried. */
function downloadError(url: string, err: Error): Error {
  if (err instanceof TransientError || err instanceof UserError || url.startsWith('file:')) return err;
  return new TransientError(`download of ${displayUrl(url)} broke off: ${escapeText(err.message, 200)}`, { cause: err });
}

/**
 * Hands the source's chunks on as they come (no copies), pausing it while the consumer is behind.
 * The request starts when the stream is constructed, so each retry pass gets a fresh download.
 */
class Download extends Readable {
  private source?: Readable;

  constructor(private readonly url: string, private readonly opts: DownloadOptions) {
    super({ highWaterMark: 256 * 1024 });
  }

  override _construct(callback: (err?: Error | null) => void): void {
    openSource(this.url, this.opts).then((source) => {
      this.source = source;
      source.pause();
      source.on('data', (chunk: Buffer) => {
        if (!this.push(chunk)) source.pause();
      });
      source.on('end', () => this.push(null));
      source.on('error', (err) => this.destroy(downloadError(this.url, err)));
      callback();
    }, (err: Error) => callback(downloadError(this.url, err)));
  }

  override _read(): void {
    this.source!.resume();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.source?.destroy();
    callback(err);
  }
}

/**
 * Streams the bytes at `url` (http(s) or file) as a Node `Readable`. Network failures, 5xx and
 * stalls surface as `TransientError` (possibly mid-stream) so the installer can retry the whole pass.
 */
export function openDownload(url: string, opts: DownloadOptions): Readable {
  return new Download(url, opts);
}
