import { isFullSha } from './bare-repo';
import { parseCommit, parseTag } from './git-objects';
import { isValidRefName } from './ref-name';
import { commitJson, contentFileJson, gitCommitJson, gitTagJson, refJson, repositoryJson } from './representations';
import { NOT_FOUND, REPO, unprocessable, type Route, type RouteContext, type RouteResult } from './route-kit';

/** A path inside the tree: no empty, `.` or `..` segments (GitHub does not resolve them either). */
export function isTreePath(path: string): boolean {
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** The ref `ctx.params.ref` (`heads/main`, `tags/x`) as it stands now. */
async function currentRef(ctx: RouteContext) {
  return (await ctx.git.refs()).get(`refs/${ctx.params.ref}`);
}

/** Reads a file at a commit and answers raw (`application/vnd.github.raw`) or as GitHub's JSON, with ETag/304. */
async function fileAt(ctx: RouteContext, commit: string, refName: () => Promise<string>, path: string): Promise<RouteResult> {
  const [blob] = await ctx.git.repo.readObjects([`${commit}:${path}`]);
  // Directories, symlinks and submodules are not served: only files.
  if (blob?.type !== 'blob') return NOT_FOUND;
  const etag = `"${blob.sha}"`;
  if (ctx.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
  if (/application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.headers.accept))) {
    return { status: 200, raw: blob.data, headers: { etag, 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
  }
  return { status: 200, json: contentFileJson(ctx.urls, ctx.state, path, await refName(), blob.data, blob.sha), headers: { etag } };
}

/** The repository, its refs, commit and tag objects, and file contents, all read from the bare repo. */
export const gitRoutes: Route[] = [
  { method: 'GET', template: REPO, handle: async (ctx) => ({ status: 200, json: repositoryJson(ctx.urls, ctx.state, await ctx.git.defaultBranch()) }) },
  {
    method: 'GET',
    template: `${REPO}/git/ref/{ref}`,
    handle: async (ctx) => {
      const ref = await currentRef(ctx);
      return ref ? { status: 200, json: refJson(ctx.urls, ctx.state, ref) } : NOT_FOUND;
    },
  },
  {
    method: 'GET',
    template: `${REPO}/git/matching-refs/{ref}`,
    // A plain prefix of the name, not a path: `tags/node@` matches `refs/tags/node@1.0.0`.
    handle: async (ctx) => ({
      status: 200,
      json: [...(await ctx.git.refs()).values()].filter((r) => r.name.startsWith(`refs/${ctx.params.ref}`)).map((r) => refJson(ctx.urls, ctx.state, r)),
    }),
  },
  {
    method: 'POST',
    template: `${REPO}/git/refs`,
    handle: async (ctx) => {
      const { git } = ctx;
      const { ref, sha } = ctx.json as { ref: string; sha: string };
      if (!/^refs\/[^/]+\/.+/.test(ref) || !isValidRefName(ref)) return unprocessable(`${ref} is not a valid ref name.`);
      if ((await git.refs()).has(ref)) return unprocessable('Reference already exists');
      if (!isFullSha(sha) || !(await git.repo.resolve([sha]))[0]) return unprocessable('Object does not exist');
      // Created only if still absent: a concurrent push of the same ref wins, as it would on GitHub.
      const created = await git.repo.updateRef(ref, sha, undefined);
      git.changed();
      if (!created) return unprocessable((await git.refs()).has(ref) ? 'Reference already exists' : `${ref} cannot point at ${sha}`);
      return { status: 201, json: refJson(ctx.urls, ctx.state, (await git.refs()).get(ref)!) };
    },
  },
  {
    method: 'PATCH',
    template: `${REPO}/git/refs/{ref}`,
    handle: async (ctx) => {
      const { git } = ctx;
      const { sha, force } = ctx.json as { sha: string; force?: boolean };
      const current = await currentRef(ctx);
      if (!current) return unprocessable('Reference does not exist');
      const [target] = isFullSha(sha) ? await git.repo.resolve([`${sha}^{commit}`]) : [undefined];
      if (!target) return unprocessable('Object does not exist');
      if (!force && !(current.commit && (await git.repo.isAncestor(current.commit, target.sha)))) return unprocessable('Update is not a fast forward');
      // Compare-and-swap against what was checked: a ref pushed meanwhile is not overwritten.
      if (!(await git.repo.updateRef(current.name, sha, current.sha))) return unprocessable('Reference cannot be updated');
      git.changed();
      return { status: 200, json: refJson(ctx.urls, ctx.state, (await currentRef(ctx))!) };
    },
  },
  {
    method: 'DELETE',
    template: `${REPO}/git/refs/{ref}`,
    handle: async (ctx) => {
      const current = await currentRef(ctx);
      return current && (await ctx.git.repo.deleteRef(current.name, current.sha)) ? { status: 204 } : unprocessable('Reference does not exist');
    },
  },
  {
    method: 'GET',
    template: `${REPO}/git/commits/{commit_sha}`,
    handle: async (ctx) => {
      const found = await ctx.git.repo.readObject(ctx.params.commit_sha, 'commit');
      return found ? { status: 200, json: gitCommitJson(ctx.urls, ctx.state, found.sha, parseCommit(found.data)) } : NOT_FOUND;
    },
  },
  {
    method: 'GET',
    template: `${REPO}/git/tags/{tag_sha}`,
    handle: async (ctx) => {
      const found = await ctx.git.repo.readObject(ctx.params.tag_sha, 'tag');
      return found ? { status: 200, json: gitTagJson(ctx.urls, ctx.state, found.sha, parseTag(found.data)) } : NOT_FOUND;
    },
  },
  {
    method: 'GET',
    template: `${REPO}/commits/{ref}`,
    handle: async (ctx) => {
      const sha = await ctx.git.commitOf(ctx.params.ref);
      const found = sha && (await ctx.git.repo.readObject(sha, 'commit'));
      if (!found) return unprocessable(`No commit found for SHA: ${ctx.params.ref}`);
      return { status: 200, json: commitJson(ctx.urls, ctx.state, found.sha, parseCommit(found.data)) };
    },
  },
  {
    method: 'GET',
    template: `${REPO}/contents/{path}`,
    handle: async (ctx) => {
      const { git, params, query } = ctx;
      if (!isTreePath(params.path)) return NOT_FOUND;
      const commit = await (query.ref ? git.commitOf(query.ref) : git.defaultBranch().then((b) => git.commitOf(b)));
      if (!commit) return query.ref ? { status: 404, json: { message: `No commit found for the ref ${query.ref}`, documentation_url: 'https://docs.github.com/rest' } } : NOT_FOUND;
      return fileAt(ctx, commit, async () => query.ref ?? (await git.defaultBranch()), params.path);
    },
  },
];
