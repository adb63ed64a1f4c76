import { createHash } from 'node:crypto';
import { isValidRefName } from './ref-name';
import { applyMakeLatest, latestRelease, placeTag } from './release-rules';
import { assetJson, releaseJson } from './representations';
import { fieldError, NOT_FOUND, paginate, REPO, type Route, type RouteContext, type RouteResult } from './route-kit';
import type { StoredRelease } from './server-state';

// GitHub refuses longer release notes with a 422.
const MAX_BODY = 125_000;

function visibleRelease(ctx: RouteContext): StoredRelease | undefined {
  const r = ctx.state.findRelease(Number(ctx.params.release_id));
  return r && (!r.draft || ctx.authenticated) ? r : undefined;
}

function releaseResult(ctx: RouteContext, r: StoredRelease, status = 200): RouteResult {
  return { status, json: releaseJson(ctx.urls, ctx.state, r) };
}

/**
 * The checks a release passes before anything changes, in GitHub's terms: a valid tag name,
 * notes within the limit, at most one published release per tag, and (when the tag does not
 * exist yet) a target that names a commit. Publishing additionally places the tag (`placeTag`).
 */
async function refusal(ctx: RouteContext, next: StoredRelease, current?: StoredRelease): Promise<RouteResult | undefined> {
  const { git, state } = ctx;
  if (next.tagName !== current?.tagName && !isValidRefName(`refs/tags/${next.tagName}`)) return fieldError('Release', 'tag_name', 'invalid');
  if ((next.body?.length ?? 0) > MAX_BODY) return fieldError('Release', 'body', 'custom', `body is too long (maximum is ${MAX_BODY} characters)`);
  // Drafts may share a tag with each other and with the published release; two published may not.
  if (!next.draft && state.publishedRelease(next.tagName, next.id)) return fieldError('Release', 'tag_name', 'already_exists');
  const tagExists = (await git.refs()).has(`refs/tags/${next.tagName}`);
  if (!tagExists && !(await git.targetCommit(next.targetCommitish))) return fieldError('Release', 'target_commitish', 'invalid');
  return undefined;
}

/** Publishing creates the missing tag; a tag that appeared meanwhile is used as it is. */
async function publishRefusal(ctx: RouteContext, next: StoredRelease): Promise<RouteResult | undefined> {
  return (await placeTag(ctx.git, next)) ? undefined : fieldError('Release', 'target_commitish', 'invalid');
}

/** The release and asset endpoints. */
export const releaseRoutes: Route[] = [
  {
    method: 'GET',
    template: `${REPO}/releases`,
    handle: (ctx) => {
      const { state } = ctx;
      const visible = state.releases.filter((r) => !r.draft || ctx.authenticated).sort((a, b) => b.id - a.id);
      return paginate(ctx, visible.map((r) => releaseJson(ctx.urls, state, r)), `/repos/${state.owner}/${state.repo}/releases`);
    },
  },
  {
    method: 'POST',
    template: `${REPO}/releases`,
    handle: async (ctx) => {
      const { state, json } = ctx;
      const release: StoredRelease = {
        id: 0,
        tagName: json.tag_name,
        targetCommitish: json.target_commitish ?? (await ctx.git.defaultBranch()),
        name: json.name ?? null,
        body: json.body ?? null,
        draft: json.draft ?? false,
        prerelease: json.prerelease ?? false,
        makeLatest: json.make_latest ?? 'true',
        createdAt: '',
        publishedAt: null,
        assets: [],
      };
      const refused = (await refusal(ctx, release)) ?? (release.draft ? undefined : await publishRefusal(ctx, release));
      if (refused) return refused;
      Object.assign(release, { id: state.nextId(), createdAt: state.now() });
      if (!release.draft) release.publishedAt = state.now();
      state.releases.push(release);
      if (!release.draft) applyMakeLatest(state, release, release.makeLatest);
      return { ...releaseResult(ctx, release, 201), headers: { location: `${ctx.urls.apiUrl}/repos/${state.owner}/${state.repo}/releases/${release.id}` } };
    },
  },
  {
    method: 'GET',
    template: `${REPO}/releases/latest`,
    handle: async (ctx) => {
      const r = await latestRelease(ctx.state, ctx.git);
      return r ? releaseResult(ctx, r) : NOT_FOUND;
    },
  },
  {
    method: 'GET',
    template: `${REPO}/releases/{release_id}`,
    handle: (ctx) => {
      const r = visibleRelease(ctx);
      return r ? releaseResult(ctx, r) : NOT_FOUND;
    },
  },
  {
    method: 'PATCH',
    template: `${REPO}/releases/{release_id}`,
    handle: async (ctx) => {
      const { state, json } = ctx;
      const r = visibleRelease(ctx);
      if (!r) return NOT_FOUND;
      const next: StoredRelease = {
        ...r,
        tagName: json.tag_name ?? r.tagName,
        targetCommitish: json.target_commitish ?? r.targetCommitish,
        name: json.name ?? r.name,
        body: json.body ?? r.body,
        draft: json.draft ?? r.draft,
        prerelease: json.prerelease ?? r.prerelease,
        makeLatest: json.make_latest ?? r.makeLatest,
      };
      // Publishing, or renaming the tag of a published release, needs that tag in the repository.
      const placing = !next.draft && (r.draft || next.tagName !== r.tagName);
      const refused = (await refusal(ctx, next, r)) ?? (placing ? await publishRefusal(ctx, next) : undefined);
      if (refused) return refused;
      const publishing = r.draft && !next.draft;
      Object.assign(r, next, publishing && { publishedAt: state.now() });
      if (publishing) applyMakeLatest(state, r, r.makeLatest);
      else if (json.make_latest !== undefined) applyMakeLatest(state, r, json.make_latest);
      return releaseResult(ctx, r);
    },
  },
  {
    method: 'DELETE',
    template: `${REPO}/releases/{release_id}`,
    // The tag stays, as on GitHub.
    handle: (ctx) => {
      const r = visibleRelease(ctx);
      if (!r) return NOT_FOUND;
      ctx.state.releases.splice(ctx.state.releases.indexOf(r), 1);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    template: `${REPO}/releases/tags/{tag}`,
    // Like GitHub, never returns drafts: a draft has no tag yet.
    handle: (ctx) => {
      const r = ctx.state.publishedRelease(ctx.params.tag);
      return r ? releaseResult(ctx, r) : NOT_FOUND;
    },
  },
  {
    method: 'GET',
    template: `${REPO}/releases/{release_id}/assets`,
    handle: (ctx) => {
      const r = visibleRelease(ctx);
      if (!r) return NOT_FOUND;
      const { state } = ctx;
      return paginate(ctx, r.assets.map((a) => assetJson(ctx.urls, state, r, a)), `/repos/${state.owner}/${state.repo}/releases/${r.id}/assets`);
    },
  },
  {
    method: 'POST',
    template: `${REPO}/releases/{release_id}/assets`,
    handle: (ctx) => {
      const r = visibleRelease(ctx);
      if (!r) return NOT_FOUND;
      const name = ctx.query.name;
      // GitHub refuses chunked uploads: the size must be known up front.
      if (ctx.headers['content-length'] === undefined) return { status: 411, json: { message: 'Length Required', documentation_url: 'https://docs.github.com/rest' } };
      if (r.assets.some((a) => a.name === name)) return fieldError('ReleaseAsset', 'name', 'already_exists');
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
    template: `${REPO}/releases/assets/{asset_id}`,
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
    template: `${REPO}/releases/assets/{asset_id}`,
    handle: (ctx) => {
      const found = ctx.state.findAsset(Number(ctx.params.asset_id));
      if (!found || (found.release.draft && !ctx.authenticated)) return NOT_FOUND;
      found.release.assets.splice(found.release.assets.indexOf(found.asset), 1);
      return { status: 204 };
    },
  },
];
