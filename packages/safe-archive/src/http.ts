import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { TransientError, UserError } from '@runway/errors';

/** Redirects followed per request; GitHub release assets take one (to their storage host). */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Statuses worth retrying: the server or a proxy is overloaded or restarting. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Labels a URL for messages without credentials or query strings (tokens sometimes live there). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

/** A response whose body has not been read yet: read it, or `discard` it to free the connection. */
export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: IncomingHttpHeaders;
  /** The address that answered, after redirects. */
  url: string;
  /** The body as a Node stream; errors while reading it (reset, stall) are `TransientError`s. */
  body: IncomingMessage;
}

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** Fails when the connection is silent this long: no headers, or later no body data. */
  timeoutMs: number;
}

/**
 * Where a redirect goes, with the headers to send there. Credentials go to the same origin only:
 * a GitHub asset redirects to a storage host that must not see the token.
 */
export function followRedirect(from: string, location: string, headers: Record<string, string>): { url: string; headers: Record<string, string> } {
  const next = new URL(location, from);
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new UserError(`${displayUrl(from)} redirects to unsupported protocol ${next.protocol}`);
  }
  if (next.origin === new URL(from).origin) return { url: next.href, headers };
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !['authorization', 'cookie'].includes(name.toLowerCase())));
  return { url: next.href, headers: kept };
}

/** One exchange without redirects. The socket timeout stays armed for the body, so a stall mid-stream fails too. */
function request(url: string, headers: Record<string, string>, timeoutMs: number): Promise<IncomingMessage> {
  // node:http rather than fetch: fetch (undici + web streams) adds ~15 MB on first use and
  // allocates per chunk. node:https (and TLS) is loaded only for https addresses.
  const { get } = url.startsWith('https:') ? (require('node:https') as typeof import('node:https')) : (require('node:http') as typeof import('node:http'));
  return new Promise((resolve, reject) => {
    let res: IncomingMessage | undefined;
    const req = get(url, { headers }, (r) => resolve((res = r)));
    req.setTimeout(timeoutMs, () => {
      const err = new TransientError(`no data from ${displayUrl(url)} for ${timeoutMs} ms`);
      // Once the body streams, the reader should see the stall, not a bare "aborted".
      res?.destroy(err);
      req.destroy(err);
    });
    req.on('error', reject);
  });
}

/** Consumes and drops a body so the connection can be reused or closed. */
export function discard(res: HttpResponse): void {
  res.body.resume();
}

/**
 * GET through `node:http(s)`, following redirects, failing as `TransientError` on network errors,
 * silence longer than `timeoutMs`, 5xx, 408 and 429, so callers can hand it to `withRetry`. Other
 * statuses are returned for the caller to interpret.
 */
export async function httpGet(url: string, init: HttpGetOptions): Promise<HttpResponse> {
  let target = { url, headers: init.headers ?? {} };
  for (let redirects = 0; ; redirects++) {
    let body: IncomingMessage;
    try {
      body = await request(target.url, target.headers, init.timeoutMs);
    } catch (err) {
      if (err instanceof TransientError) throw err;
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new TransientError(`GET ${displayUrl(target.url)} failed: ${reason}`, { cause: err });
    }
    const status = body.statusCode ?? 0;
    const location = body.headers.location;
    if (REDIRECT_STATUSES.has(status) && location) {
      body.resume();
      if (redirects >= MAX_REDIRECTS) throw new UserError(`${displayUrl(url)} redirects more than ${MAX_REDIRECTS} times`);
      target = followRedirect(target.url, location, target.headers);
      continue;
    }
    if (isTransientStatus(status)) {
      body.resume();
      throw new TransientError(`GET ${displayUrl(target.url)} failed: HTTP ${status}`);
    }
    return { status, ok: status >= 200 && status < 300, headers: body.headers, url: target.url, body };
  }
}

/** Reads a whole (small) body as UTF-8 text; a broken connection is a `TransientError`. */
export async function readText(res: HttpResponse): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
  } catch (err) {
    if (err instanceof TransientError) throw err;
    throw new TransientError(`reading ${displayUrl(res.url)} broke off: ${(err as Error).message}`, { cause: err });
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Turns a non-OK, non-transient response into a UserError that says what to check. */
export function refuseResponse(url: string, res: HttpResponse, what: string): never {
  discard(res);
  const hint = res.status === 401 || res.status === 403
    ? 'check access to it (for a private GitHub repository set GITHUB_TOKEN)'
    : res.status === 404 ? 'check the address; the file may not be published' : undefined;
  throw new UserError(`cannot fetch ${what} from ${displayUrl(url)}: HTTP ${res.status}`, { hint });
}
