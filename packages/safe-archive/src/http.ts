import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { TransientError, UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { deadlineExceeded, type Deadline } from './deadline';

/** Redirects followed per request; GitHub release assets take one (to their storage host). */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Statuses worth retrying: the server or a proxy is overloaded or restarting. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Labels a URL for messages without credentials or query strings (tokens sometimes live there),
 * escaped for the terminal: URLs come from registries.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return escapeText(`${u.protocol}//${u.host}${u.pathname}`, 500);
  } catch {
    return escapeText(url, 500);
  }
}

/** A response whose body has not been read yet: read it, or `discard` it to free the connection. */
export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: IncomingHttpHeaders;
  /** The address that answered, after redirects. */
  url: string;
  /** The body as a Node stream; errors while reading it (reset, stall, deadline) are `TransientError`s. */
  body: IncomingMessage;
}

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** Fails when the connection is silent this long: no headers, or later no body data. */
  timeoutMs: number;
  /** Fails when the exchange (redirects, headers and the whole body) is not over by then. */
  deadline?: Deadline;
}

/**
 * Where a redirect goes, with the headers to send there. Credentials go to the same origin only:
 * a GitHub asset redirects to a storage host that must not see the token.
 */
export function followRedirect(from: string, location: string, headers: Record<string, string>): { url: string; headers: Record<string, string> } {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new UserError(`${displayUrl(from)} redirects to an invalid address "${escapeText(location, 200)}"`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new UserError(`${displayUrl(from)} redirects to unsupported protocol ${escapeText(next.protocol, 50)}`);
  }
  if (next.origin === new URL(from).origin) return { url: next.href, headers };
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !['authorization', 'cookie'].includes(name.toLowerCase())));
  return { url: next.href, headers: kept };
}

/**
 * One exchange without redirects. The socket timeout stays armed for the body, so a stall
 * mid-stream fails too; `onExchange` learns how to cut the exchange off (for the deadline).
 */
function request(url: string, headers: Record<string, string>, timeoutMs: number, onExchange: (abort: (err: Error) => void) => void): Promise<IncomingMessage> {
  // node:http rather than fetch: fetch (undici + web streams) adds ~15 MB on first use and
  // allocates per chunk. node:https (and TLS) is loaded only for https addresses.
  const { get } = url.startsWith('https:') ? (require('node:https') as typeof import('node:https')) : (require('node:http') as typeof import('node:http'));
  return new Promise((resolve, reject) => {
    let res: IncomingMessage | undefined;
    const req = get(url, { headers }, (r) => resolve((res = r)));
    // Once the body streams, its reader should see why it stopped, not a bare "aborted".
    const abort = (err: Error) => {
      res?.destroy(err);
      req.destroy(err);
    };
    onExchange(abort);
    req.setTimeout(timeoutMs, () => abort(new TransientError(`no data from ${displayUrl(url)} for ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Consumes and drops a body so the connection can be reused or closed. */
export function discard(res: HttpResponse): void {
  res.body.resume();
}

/**
 * GET through `node:http(s)`, following redirects, failing as `TransientError` on network errors,
 * silence longer than `timeoutMs`, a passed `deadline` (also while the body is read), 5xx, 408
 * and 429, so callers can hand it to `withRetry`. Other statuses are returned for the caller to
 * interpret.
 */
export async function httpGet(url: string, init: HttpGetOptions): Promise<HttpResponse> {
  const { deadline } = init;
  const late = () => deadlineExceeded(`GET ${displayUrl(url)}`, deadline!);
  if (deadline && Date.now() >= deadline.at) throw late();
  let abort: ((err: Error) => void) | undefined;
  const timer = deadline && setTimeout(() => abort?.(late()), deadline.at - Date.now());
  timer?.unref(); // a forgotten body must not keep the process alive
  let target = { url, headers: init.headers ?? {} };
  try {
    for (let redirects = 0; ; redirects++) {
      let body: IncomingMessage;
      try {
        body = await request(target.url, target.headers, init.timeoutMs, (a) => { abort = a; });
      } catch (err) {
        if (err instanceof TransientError) throw err;
        const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new TransientError(`GET ${displayUrl(target.url)} failed: ${escapeText(reason, 200)}`, { cause: err });
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
      // The deadline stays armed until the body is read or dropped.
      if (timer) body.once('close', () => clearTimeout(timer));
      return { status, ok: status >= 200 && status < 300, headers: body.headers, url: target.url, body };
    }
  } catch (err) {
    clearTimeout(timer);
    throw err;
  }
}

/** How much of a body `readText` accepts, and what to call it when it is too much. */
export interface ReadLimit {
  maxBytes: number;
  /** E.g. "the registry", for "the registry at <url> is larger than …". */
  what: string;
  /** The option that raises the cap, for the hint. */
  raiseWith?: string;
}

/** The refusal of a body over its cap: the server's content is wrong, retrying will not help. */
export function tooLarge(limit: ReadLimit, where: string, declared?: number): UserError {
  const said = declared === undefined ? '' : ` (${declared} bytes)`;
  return new UserError(`${limit.what} at ${where} is larger than the ${limit.maxBytes}-byte cap${said}`, {
    hint: `check the address${limit.raiseWith ? `; if it really is that large, raise the cap with ${limit.raiseWith}` : ''}`,
  });
}

/**
 * Reads a whole body as UTF-8 text, refusing (as a `UserError`) a body over `limit.maxBytes`:
 * before reading when the server declares its length, else as soon as the count passes it, and
 * the connection is dropped then, so an endless body is never read to its end. A broken
 * connection (or a passed deadline) is a `TransientError`.
 */
export async function readText(res: HttpResponse, limit: ReadLimit): Promise<string> {
  const declared = Number(res.headers['content-length']);
  if (declared > limit.maxBytes) {
    res.body.destroy();
    throw tooLarge(limit, displayUrl(res.url), declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limit.maxBytes) {
        res.body.destroy();
        throw tooLarge(limit, displayUrl(res.url));
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof TransientError || err instanceof UserError) throw err;
    throw new TransientError(`reading ${displayUrl(res.url)} broke off: ${escapeText((err as Error).message, 200)}`, { cause: err });
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
