import { createHash } from 'node:crypto';
import type { RefEntry } from './bare-repo';
import type { ParsedCommit, ParsedTag } from './git-objects';
import type { ServerState, StoredAsset, StoredRelease } from './server-state';

/** Where the server lives: the web origin and the API base under it. */
export interface ServerUrls {
  /** `http://127.0.0.1:<port>`: GITHUB_SERVER_URL, html and browser download links. */
  url: string;
  /** `<url>/api/v3`: GITHUB_API_URL, the GitHub Enterprise Server layout. */
  apiUrl: string;
  /** `<url>/api/uploads`: where `upload_url` points, GitHub Enterprise Server's uploads.github.com. */
  uploadsUrl: string;
}

/** The fixed account that owns the repository and uploads everything. */
export function simpleUser(urls: ServerUrls, login: string) {
  const api = `${urls.apiUrl}/users/${login}`;
  return {
    login,
    id: 1,
    node_id: 'MDQ6VXNlcjE=',
    avatar_url: `${urls.url}/avatars/${login}`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.url}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    site_admin: false,
  };
}

/**
 * The tag segment of a release's web URLs. A draft has none yet: GitHub shows `untagged-<hex>`
 * there, and those URLs stop working once the release is published under its tag.
 */
export function webTag(release: StoredRelease): string {
  return release.draft ? `untagged-${createHash('sha1').update(`release ${release.id}`).digest('hex').slice(0, 20)}` : encodeURIComponent(release.tagName);
}

export function assetJson(urls: ServerUrls, state: ServerState, release: StoredRelease, a: StoredAsset) {
  return {
    url: `${urls.apiUrl}/repos/${state.owner}/${state.repo}/releases/assets/${a.id}`,
    browser_download_url: `${urls.url}/${state.owner}/${state.repo}/releases/download/${webTag(release)}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: `RA_${a.id}`,
    name: a.name,
    label: a.label,
    state: 'uploaded' as const,
    content_type: a.contentType,
    size: a.data.length,
    digest: a.digest,
    download_count: 0,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    uploader: simpleUser(urls, state.owner),
  };
}

export function releaseJson(urls: ServerUrls, state: ServerState, r: StoredRelease) {
  const repoApi = `${urls.apiUrl}/repos/${state.owner}/${state.repo}`;
  return {
    url: `${repoApi}/releases/${r.id}`,
    html_url: `${urls.url}/${state.owner}/${state.repo}/releases/tag/${webTag(r)}`,
    assets_url: `${repoApi}/releases/${r.id}/assets`,
    upload_url: `${urls.uploadsUrl}/repos/${state.owner}/${state.repo}/releases/${r.id}/assets{?name,label}`,
    tarball_url: r.draft ? null : `${repoApi}/tarball/${encodeURIComponent(r.tagName)}`,
    zipball_url: r.draft ? null : `${repoApi}/zipball/${encodeURIComponent(r.tagName)}`,
    id: r.id,
    node_id: `RE_${r.id}`,
    tag_name: r.tagName,
    target_commitish: r.targetCommitish,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    immutable: false,
    created_at: r.createdAt,
    published_at: r.publishedAt,
    updated_at: r.publishedAt ?? r.createdAt,
    author: simpleUser(urls, state.owner),
    assets: r.assets.map((a) => assetJson(urls, state, r, a)),
  };
}

export function refJson(urls: ServerUrls, state: ServerState, ref: RefEntry) {
  const repoApi = `${urls.apiUrl}/repos/${state.owner}/${state.repo}`;
  const short = ref.name.slice('refs/'.length);
  return {
    ref: ref.name,
    node_id: `REF_${Buffer.from(short).toString('base64')}`,
    url: `${repoApi}/git/refs/${short}`,
    object: { type: ref.type, sha: ref.sha, url: `${repoApi}/git/${ref.type}s/${ref.sha}` },
  };
}

function verification(signature: string | undefined) {
  // Signatures are reported, never checked: no key of the signer is known here.
  return { verified: false, reason: signature ? 'unknown_key' : 'unsigned', signature: signature ?? null, payload: null, verified_at: null };
}

/** `GET /git/commits/{sha}`: the commit object. */
export function gitCommitJson(urls: ServerUrls, state: ServerState, sha: string, c: ParsedCommit) {
  const repoApi = `${urls.apiUrl}/repos/${state.owner}/${state.repo}`;
  const html = `${urls.url}/${state.owner}/${state.repo}/commit`;
  return {
    sha, node_id: `C_${sha}`, url: `${repoApi}/git/commits/${sha}`, html_url: `${html}/${sha}`,
    author: c.author, committer: c.committer, message: c.message,
    tree: { sha: c.tree, url: `${repoApi}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({ sha: p, url: `${repoApi}/git/commits/${p}`, html_url: `${html}/${p}` })),
    verification: verification(c.signature),
  };
}

/** `GET /commits/{ref}`: the commit with GitHub's wrapper (no users: the emails belong to no account here). */
export function commitJson(urls: ServerUrls, state: ServerState, sha: string, c: ParsedCommit) {
  const repoApi = `${urls.apiUrl}/repos/${state.owner}/${state.repo}`;
  const html = `${urls.url}/${state.owner}/${state.repo}/commit`;
  return {
    sha, node_id: `C_${sha}`, url: `${repoApi}/commits/${sha}`, html_url: `${html}/${sha}`, comments_url: `${repoApi}/commits/${sha}/comments`,
    commit: {
      url: `${repoApi}/git/commits/${sha}`, author: c.author, committer: c.committer, message: c.message, comment_count: 0,
      tree: { sha: c.tree, url: `${repoApi}/git/trees/${c.tree}` }, verification: verification(c.signature),
    },
    author: null, committer: null,
    parents: c.parents.map((p) => ({ sha: p, url: `${repoApi}/commits/${p}`, html_url: `${html}/${p}` })),
  };
}

/** `GET /git/tags/{sha}`: an annotated tag object. */
export function gitTagJson(urls: ServerUrls, state: ServerState, sha: string, t: ParsedTag) {
  const repoApi = `${urls.apiUrl}/repos/${state.owner}/${state.repo}`;
  return {
    node_id: `TAG_${sha}`, tag: t.tag, sha, url: `${repoApi}/git/tags/${sha}`, message: t.message, tagger: t.tagger,
    object: { sha: t.object, type: t.type, url: `${repoApi}/git/${t.type}s/${t.object}` },
    verification: verification(undefined),
  };
}

// Hypermedia templates of a repository, as GitHub spells them (suffix after `<api>/repos/o/r`).
const REPO_LINKS: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}', assignees_url: '/assignees{/user}', blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}', collaborators_url: '/collaborators{/collaborator}', comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}', compare_url: '/compare/{base}...{head}', contents_url: '/contents/{+path}',
  contributors_url: '/contributors', deployments_url: '/deployments', downloads_url: '/downloads', events_url: '/events',
  forks_url: '/forks', git_commits_url: '/git/commits{/sha}', git_refs_url: '/git/refs{/sha}', git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks', issue_comment_url: '/issues/comments{/number}', issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}', keys_url: '/keys{/key_id}', labels_url: '/labels{/name}', languages_url: '/languages',
  merges_url: '/merges', milestones_url: '/milestones{/number}', notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}', releases_url: '/releases{/id}', stargazers_url: '/stargazers', statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers', subscription_url: '/subscription', tags_url: '/tags', teams_url: '/teams', trees_url: '/git/trees{/sha}',
};

export function repositoryJson(urls: ServerUrls, state: ServerState, defaultBranch: string) {
  const repoApi = `${urls.apiUrl}/repos/${state.owner}/${state.repo}`;
  const html = `${urls.url}/${state.owner}/${state.repo}`;
  const host = new URL(urls.url).host;
  return {
    ...Object.fromEntries(Object.entries(REPO_LINKS).map(([k, suffix]) => [k, repoApi + suffix])),
    id: 1, node_id: 'R_1', name: state.repo, full_name: `${state.owner}/${state.repo}`, owner: simpleUser(urls, state.owner),
    private: false, description: null, fork: false, url: repoApi, html_url: html,
    clone_url: `${html}.git`, git_url: `git://${host}/${state.owner}/${state.repo}.git`, ssh_url: `git@${host}:${state.owner}/${state.repo}.git`,
    svn_url: html, mirror_url: null, homepage: null, language: null, license: null,
    default_branch: defaultBranch, forks: 0, forks_count: 0, stargazers_count: 0, watchers: 0, watchers_count: 0,
    open_issues: 0, open_issues_count: 0, size: 0, network_count: 0, subscribers_count: 0,
    has_issues: true, has_projects: false, has_wiki: false, has_pages: false, has_discussions: false, archived: false, disabled: false,
    pushed_at: '2025-01-01T00:00:00Z', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z',
  };
}

/** `GET /contents/{path}` of a file read at `ref` (the name the client asked for, or the default branch). */
export function contentFileJson(urls: ServerUrls, state: ServerState, path: string, ref: string, data: Buffer, sha: string) {
  const self = `${urls.apiUrl}/repos/${state.owner}/${state.repo}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const html = `${urls.url}/${state.owner}/${state.repo}/blob/${ref}/${path}`;
  const git = `${urls.apiUrl}/repos/${state.owner}/${state.repo}/git/blobs/${sha}`;
  return {
    type: 'file' as const, encoding: 'base64', size: data.length, name: path.split('/').pop()!, path,
    // GitHub wraps base64 at 60 columns; clients must cope, so we do the same.
    content: data.toString('base64').replace(/.{60}/g, '$&\n'),
    sha, url: self, git_url: git, html_url: html,
    download_url: `${urls.url}/${state.owner}/${state.repo}/raw/${ref}/${path}`,
    _links: { git, html, self },
  };
}
