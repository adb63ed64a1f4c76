import { isTreePath } from './git-routes';
import { latestRelease } from './release-rules';
import type { ServerUrls } from './representations';
import type { RepoView } from './repo-view';
import type { RouteResult } from './route-kit';
import type { ServerState, StoredRelease } from './server-state';

/** What a web (non-API) request needs. */
export interface WebContext {
  state: ServerState;
  git: RepoView;
  urls: ServerUrls;
  /** The URL path, still percent-encoded. */
  path: string;
}

const WEB_NOT_FOUND: RouteResult = { status: 404, raw: Buffer.from('Not Found'), headers: { 'content-type': 'text/plain; charset=utf-8' } };

function assetRedirect(ctx: WebContext, release: StoredRelease | undefined, name: string): RouteResult {
  const asset = release?.assets.find((a) => a.name === name);
  return asset ? { status: 302, headers: { location: `${ctx.urls.url}/_blobs/${asset.id}` } } : WEB_NOT_FOUND;
}

/** `raw/<ref>/<path>`: the ref may hold slashes, so the shortest leading part that names a commit wins. */
async function raw(ctx: WebContext, segments: string[]): Promise<RouteResult> {
  for (let i = 1; i < segments.length; i++) {
    const path = segments.slice(i).join('/');
    const commit = await ctx.git.commitOf(segments.slice(0, i).join('/'));
    if (!commit) continue;
    if (!isTreePath(path)) return WEB_NOT_FOUND;
    const [blob] = await ctx.git.repo.readObjects([`${commit}:${path}`]);
    return blob?.type === 'blob' ? { status: 200, raw: blob.data, headers: { 'content-type': 'text/plain; charset=utf-8', etag: `"${blob.sha}"` } } : WEB_NOT_FOUND;
  }
  return WEB_NOT_FOUND;
}

/**
 * The web side of github.com that clients use without the API: browser downloads of release
 * assets (published releases only; a draft's `untagged-…` URLs never resolve, for anybody),
 * `releases/latest/download/<name>`, raw files at any ref, and the storage the downloads
 * redirect to.
 */
export async function serveWeb(ctx: WebContext): Promise<RouteResult> {
  const { state } = ctx;
  const blob = /^\/_blobs\/(\d+)$/.exec(ctx.path);
  if (blob) {
    const found = state.findAsset(Number(blob[1]));
    return found ? { status: 200, raw: found.asset.data, headers: { 'content-type': 'application/octet-stream' } } : WEB_NOT_FOUND;
  }
  const prefix = `/${state.owner}/${state.repo}/`;
  if (!ctx.path.startsWith(prefix)) return WEB_NOT_FOUND;
  let segments: string[];
  try {
    segments = ctx.path.slice(prefix.length).split('/').map(decodeURIComponent);
  } catch {
    return WEB_NOT_FOUND; // a malformed percent-escape names nothing
  }
  if (segments[0] === 'releases' && segments.length === 4 && segments[1] === 'latest' && segments[2] === 'download') {
    return assetRedirect(ctx, await latestRelease(state, ctx.git), segments[3]);
  }
  if (segments[0] === 'releases' && segments.length === 4 && segments[1] === 'download') return assetRedirect(ctx, state.publishedRelease(segments[2]), segments[3]);
  if (segments[0] === 'raw') return raw(ctx, segments.slice(1));
  return WEB_NOT_FOUND;
}
