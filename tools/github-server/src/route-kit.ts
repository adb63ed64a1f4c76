import type { IncomingHttpHeaders } from 'node:http';
import type { ServerUrls } from './representations';
import type { RepoView } from './repo-view';
import type { ServerState } from './server-state';

/** What a handler sees of one request. */
export interface RouteContext {
  state: ServerState;
  /** The bare repo, with this request's reads cached. */
  git: RepoView;
  urls: ServerUrls;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: any;
  /** True when the request carries the server's token (or the server requires none). */
  authenticated: boolean;
}

/** A handler's answer; `json` is validated against the operation's response schema. */
export interface RouteResult {
  status: number;
  json?: unknown;
  raw?: Buffer;
  headers?: Record<string, string>;
}

/**
 * One served endpoint. API routes use the OpenAPI path template verbatim, so it doubles as the
 * spec key. A handler validates everything before its first change, so a refusal changes nothing.
 */
export interface Route {
  method: string;
  template: string;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export const REPO = '/repos/{owner}/{repo}';
const DOCS = 'https://docs.github.com/rest';
export const NOT_FOUND: RouteResult = { status: 404, json: { message: 'Not Found', documentation_url: DOCS } };

/** A 422 with GitHub's shape. */
export function unprocessable(message: string, errors?: Array<Record<string, string>>): RouteResult {
  return { status: 422, json: { message, documentation_url: DOCS, ...(errors && { errors }) } };
}

/** GitHub's 422 for a field whose value is taken (`already_exists`) or unusable (`invalid`). */
export function fieldError(resource: string, field: string, code: 'already_exists' | 'invalid' | 'custom', message?: string): RouteResult {
  return unprocessable('Validation Failed', [{ resource, code, field, ...(message && { message }) }]);
}

/** Slices `items` by `per_page`/`page` and adds GitHub's `Link` header. */
export function paginate(ctx: RouteContext, items: unknown[], path: string): RouteResult {
  const perPage = Math.min(Number(ctx.query.per_page ?? 30), 100);
  const page = Number(ctx.query.page ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => `<${ctx.urls.apiUrl}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
  const links = [
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
  ];
  return { status: 200, json: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
}
