import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { assetJson, contentFileJson, refJson, releaseJson, repositoryJson, type ServerUrls } from './representations';
import type { ServerState, StoredRelease } from './server-state';

/** What a handler sees of one request. */
export interface RouteContext {
  state: ServerState;
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

/** One served endpoint. API routes use the OpenAPI path template verbatim, so it doubles as the spec key. */
export interface Route {
  method: string;
  template: string;
  handle(ctx: RouteContext): RouteResult;
}

const DOCS = 'https://docs.github.com/rest';
const NOT_FOUND: RouteResult = { status: 404, json: { message: 'Not Found', documentation_url: DOCS } };

function unprocessable(message: string, errors?: Array<Record<string, string>>): RouteResult {
  return { status: 422, json: { message, documentation_url: DOCS, ...(errors && { errors }) } };
}

function alreadyExists(resource: string, field: string): RouteResult {
  return unprocessable('Validation Failed', [{ resource, code: 'already_exists', field }]);
}

/** Slices `items` by `per_page`/`page` and adds GitHub's `Link` header. */
function paginate(ctx: RouteContext, items: unknown[], path: string): RouteResult {
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

function visibleRelease(ctx: RouteContext): StoredRelease | undefined {
  const r = ctx.state.findRelease(Number(ctx.params.release_id));
  return r && (!r.draft || ctx.authenticated) ? r : undefined;
}

function tagTaken(state: ServerState, tag: string, except?: number): boolean {
  return state.releases.some((r) => r.tagName === tag && r.id !== except);
}

/** Publishing creates the git tag from `target_commitish` when it does not exist, as on GitHub. */
function publish(ctx: RouteContext, r: StoredRelease): RouteResult | undefined {
  if (!ctx.state.ensureTagFor(r)) return unprocessable('Validation Failed', [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
  r.publishedAt = ctx.state.now();
  return undefined;
}

const repo = '/repos/{owner}/{repo}';

/** The REST endpoints the server implements, keyed by GitHub's own path templates. */
export const apiRoutes: Route[] = [
  { method: 'GET', template: repo, handle: (ctx) => ({ status: 200, json: repositoryJson(ctx.urls, ctx.state) }) },
  {
    method: 'GET',
    template: `${repo}/releases`,
    handle: (ctx) => {
      const { state } = ctx;
      const visible = state.releases.filter((r) => !r.draft || ctx.authenticated).sort((a, b) => b.id - a.id);
      return paginate(ctx, visible.map((r) => releaseJson(ctx.urls, state, r)), `/repos/${state.owner}/${state.repo}/releases`);
    },
  },
  {
    method: 'POST',
    template: `${repo}/releases`,
    handle: (ctx) => {
      const { state, json } = ctx;
      if (tagTaken(state, json.tag_name)) return alreadyExists('Release', 'tag_name');
      const release: StoredRelease = {
        id: state.nextId(),
        tagName: json.tag_name,
        targetCommitish: json.target_commitish ?? state.defaultBranch,
        name: json.name ?? null,
        body: json.body ?? null,
        draft: json.draft ?? false,
        prerelease: json.prerelease ?? false,
        makeLatest: json.make_latest ?? 'true',
        createdAt: state.now(),
        publishedAt: null,
        assets: [],
      };
      const refused = release.draft ? undefined : publish(ctx, release);
      if (refused) return refused;
      state.releases.push(release);
      return { status: 201, json: releaseJson(ctx.urls, state, release), headers: { location: `${ctx.urls.apiUrl}/repos/${state.owner}/${state.repo}/releases/${release.id}` } };
    },
  },
  {
    method: 'GET',
    template: `${repo}/releases/{release_id}`,
    handle: (ctx) => {
      const r = visibleRelease(ctx);
      return r ? { status: 200, json: releaseJson(ctx.urls, ctx.state, r) } : NOT_FOUND;
    },
  },
  {
    method: 'PATCH',
    template: `${repo}/releases/{release_id}`,
    handle: (ctx) => {
      const { state, json } = ctx;
      const r = visibleRelease(ctx);
      if (!r) return NOT_FOUND;
      if (json.tag_name !== undefined && tagTaken(state, json.tag_name, r.id)) return alreadyExists('Release', 'tag_name');
      const wasDraft = r.draft;
      const next = {
        ...r,
        tagName: json.tag_name ?? r.tagName,
        targetCommitish: json.target_commitish ?? r.targetCommitish,
        name: json.name ?? r.name,
        body: json.body ?? r.body,
        draft: json.draft ?? r.draft,
        prerelease: json.prerelease ?? r.prerelease,
        makeLatest: json.make_latest ?? r.makeLatest,
      };
      const refused = wasDraft && !next.draft ? publish(ctx, next) : undefined;
      if (refused) return refused;
      Object.assign(r, next);
      return { status: 200, json: releaseJson(ctx.urls, state, r) };
    },
  },
  {
    method: 'DELETE',
    template: `${repo}/releases/{release_id}`,
    handle: (ctx) => {
      const r = visibleRelease(ctx);
      if (!r) return NOT_FOUND;
      ctx.state.releases.splice(ctx.state.releases.indexOf(r), 1);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    template: `${repo}/releases/tags/{tag}`,
    // Like GitHub, never returns drafts: a draft has no tag yet.
    handle: (ctx) => {
      const r = ctx.state.releases.find((x) => x.tagName === ctx.params.tag && !x.draft);
      return r ? { status: 200, json: releaseJson(ctx.urls, ctx.state, r) } : NOT_FOUND;
    },
  },
  {
    method: 'GET',
    template: `${repo}/releases/{release_id}/assets`,
    handle: (ctx) => {
      const r = visibleRelease(ctx);
      if (!r) return NOT_FOUND;
      const { state } = ctx;
      return paginate(ctx, r.assets.map((a) => assetJson(ctx.urls, state, r, a)), `/repos/${state.owner}/${state.repo}/releases/${r.id}/assets`);
    },
  },
  {
    method: 'POST',
    template: `${repo}/releases/{release_id}/assets`,
    handle: (ctx) => {
      const r = visibleRelease(ctx);
      if (!r) return NOT_FOUND;
      const name = ctx.query.name;
      // GitHub refuses chunked uploads: the size must be known up front.
      if (ctx.headers['content-length'] === undefined) return { status: 411, json: { message: 'Length Required', documentation_url: DOCS } };
      if (r.assets.some((a) => a.name === name)) return alreadyExists('ReleaseAsset', 'name');
      const asset = {
        id: ctx.state.nextId(),
        name,
        label: ctx.query.label ?? null,
        contentType: String(ctx.headers['content-type'] ?? 'application/octet-stream'),
        data: ctx.body,
        digest: `sha256:${createHash('sha256').update(ctx.body).digest('hex')}`,
        createdAt: ctx.state.now(),
      };
      r.assets.push(asset);
      return { status: 201, json: assetJson(ctx.urls, ctx.state, r, asset) };
    },
  },
  {
    method: 'GET',
    template: `${repo}/releases/assets/{asset_id}`,
    handle: (ctx) => {
      const found = ctx.state.findAsset(Number(ctx.params.asset_id));
      if (!found || (found.release.draft && !ctx.authenticated)) return NOT_FOUND;
      // GitHub answers a binary Accept with a redirect to short-lived storage.
      if (/application\/octet-stream/.test(String(ctx.headers.accept))) return { status: 302, headers: { location: `${ctx.urls.url}/_blobs/${found.asset.id}` } };
      return { status: 200, json: assetJson(ctx.urls, ctx.state, found.release, found.asset) };
    },
  },
  {
    method: 'DELETE',
    template: `${repo}/releases/assets/{asset_id}`,
    handle: (ctx) => {
      const found = ctx.state.findAsset(Number(ctx.params.asset_id));
      if (!found || (found.release.draft && !ctx.authenticated)) return NOT_FOUND;
      found.release.assets.splice(found.release.assets.indexOf(found.asset), 1);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    template: `${repo}/git/ref/{ref}`,
    handle: (ctx) => {
      const sha = ctx.state.refs.get(ctx.params.ref);
      return sha ? { status: 200, json: refJson(ctx.urls, ctx.state, ctx.params.ref, sha) } : NOT_FOUND;
    },
  },
  {
    method: 'GET',
    template: `${repo}/git/matching-refs/{ref}`,
    handle: (ctx) => ({
      status: 200,
      json: [...ctx.state.refs].filter(([name]) => name.startsWith(ctx.params.ref)).sort(([a], [b]) => a.localeCompare(b)).map(([name, sha]) => refJson(ctx.urls, ctx.state, name, sha)),
    }),
  },
  {
    method: 'POST',
    template: `${repo}/git/refs`,
    handle: (ctx) => {
      const { ref, sha } = ctx.json as { ref: string; sha: string };
      if (!/^refs\/[^/]+\/.+/.test(ref)) return unprocessable('Reference name must start with \'refs/\' and have at least two slashes.');
      const name = ref.slice('refs/'.length);
      if (ctx.state.refs.has(name)) return unprocessable('Reference already exists');
      if (!ctx.state.commits.has(sha)) return unprocessable('Object does not exist');
      ctx.state.refs.set(name, sha);
      return { status: 201, json: refJson(ctx.urls, ctx.state, name, sha) };
    },
  },
  {
    method: 'PATCH',
    template: `${repo}/git/refs/{ref}`,
    handle: (ctx) => {
      const { sha, force } = ctx.json as { sha: string; force?: boolean };
      const current = ctx.state.refs.get(ctx.params.ref);
      if (!current) return unprocessable('Reference does not exist');
      if (!ctx.state.commits.has(sha)) return unprocessable('Object does not exist');
      if (!force && !ctx.state.isAncestor(current, sha)) return unprocessable('Update is not a fast forward');
      ctx.state.refs.set(ctx.params.ref, sha);
      return { status: 200, json: refJson(ctx.urls, ctx.state, ctx.params.ref, sha) };
    },
  },
  {
    method: 'DELETE',
    template: `${repo}/git/refs/{ref}`,
    handle: (ctx) => (ctx.state.refs.delete(ctx.params.ref) ? { status: 204 } : unprocessable('Reference does not exist')),
  },
  {
    method: 'GET',
    template: `${repo}/contents/{path}`,
    handle: (ctx) => {
      const { state } = ctx;
      const ref = ctx.query.ref;
      const file = state.files.get(ctx.params.path);
      // Files live on the default branch only; other refs are not modelled.
      if (!file || (ref && ref !== state.defaultBranch && ref !== `refs/heads/${state.defaultBranch}`)) return NOT_FOUND;
      const etag = `"${file.sha}"`;
      if (ctx.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
      if (/application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.headers.accept))) {
        return { status: 200, raw: file.data, headers: { etag, 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
      }
      return { status: 200, json: contentFileJson(ctx.urls, state, ctx.params.path, file.data, file.sha), headers: { etag } };
    },
  },
];

/** Parameters whose value may contain `/` (they are the last segment of their template). */
export const GREEDY_PARAMS = new Set(['ref', 'path']);
