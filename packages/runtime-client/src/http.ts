import { TransientError, UserError } from '@runway/errors';

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

/**
 * `fetch` with a timeout that fails as `TransientError` on network errors, timeouts, 5xx and 429,
 * so callers can hand it to `withRetry`. Other statuses are returned for the caller to interpret.
 */
export async function httpGet(url: string, init: { headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal }): Promise<Response> {
  const signal = init.signal ?? AbortSignal.timeout(init.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { headers: init.headers, signal, redirect: 'follow' });
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError'
      ? `no answer within ${init.timeoutMs} ms`
      : String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
    throw new TransientError(`GET ${displayUrl(url)} failed: ${reason}`, { cause: err });
  }
  if (isTransientStatus(res.status)) {
    await res.body?.cancel();
    throw new TransientError(`GET ${displayUrl(url)} failed: HTTP ${res.status}`);
  }
  return res;
}

/** Turns a non-OK, non-transient response into a UserError that says what to check. */
export async function refuseResponse(url: string, res: Response, what: string): Promise<never> {
  await res.body?.cancel();
  const hint = res.status === 401 || res.status === 403
    ? 'check access to it (for a private GitHub repository set GITHUB_TOKEN)'
    : res.status === 404 ? 'check the address; the file may not be published' : undefined;
  throw new UserError(`cannot fetch ${what} from ${displayUrl(url)}: HTTP ${res.status}`, { hint });
}
