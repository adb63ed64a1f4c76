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

/** `browser_download_url` of an asset: `<url>/<owner>/<repo>/releases/download/<tag>/<name>`. */
export function browserDownloadUrl(urls: ServerUrls, state: ServerState, tag: string, name: string): string {
  return `${urls.url}/${state.owner}/${state.repo}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(name)}`;
}

export function assetJson(urls: ServerUrls, state: ServerState, release: StoredRelease, a: StoredAsset) {
  return {
    url: `${urls.apiUrl}/repos/${state.owner}/${state.repo}/releases/assets/${a.id}`,
    browser_download_url: browserDownloadUrl(urls, state, release.tagName, a.name),
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
    html_url: `${urls.url}/${state.owner}/${state.repo}/releases/tag/${encodeURIComponent(r.tagName)}`,
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

export function refJson(urls: ServerUrls, state: ServerState, ref: string, sha: string) {
  const repoApi = `${urls.apiUrl}/repos/${state.owner}/${state.repo}`;
  return {
    ref: `refs/${ref}`,
    node_id: `REF_${Buffer.from(ref).toString('base64')}`,
    url: `${repoApi}/git/refs/${ref}`,
    object: { type: 'commit', sha, url: `${repoApi}/git/commits/${sha}` },
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

export function repositoryJson(urls: ServerUrls, state: ServerState) {
  const repoApi = `${urls.apiUrl}/repos/${state.owner}/${state.repo}`;
  const html = `${urls.url}/${state.owner}/${state.repo}`;
  const host = new URL(urls.url).host;
  return {
    ...Object.fromEntries(Object.entries(REPO_LINKS).map(([k, suffix]) => [k, repoApi + suffix])),
    id: 1, node_id: 'R_1', name: state.repo, full_name: `${state.owner}/${state.repo}`, owner: simpleUser(urls, state.owner),
    private: false, description: null, fork: false, url: repoApi, html_url: html,
    clone_url: `${html}.git`, git_url: `git://${host}/${state.owner}/${state.repo}.git`, ssh_url: `git@${host}:${state.owner}/${state.repo}.git`,
    svn_url: html, mirror_url: null, homepage: null, language: null, license: null,
    default_branch: state.defaultBranch, forks: 0, forks_count: 0, stargazers_count: 0, watchers: 0, watchers_count: 0,
    open_issues: 0, open_issues_count: 0, size: 0, network_count: 0, subscribers_count: 0,
    has_issues: true, has_projects: false, has_wiki: false, has_pages: false, has_discussions: false, archived: false, disabled: false,
    pushed_at: '2025-01-01T00:00:00Z', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z',
  };
}

export function contentFileJson(urls: ServerUrls, state: ServerState, path: string, data: Buffer, sha: string) {
  const self = `${urls.apiUrl}/repos/${state.owner}/${state.repo}/contents/${path}?ref=${state.defaultBranch}`;
  const html = `${urls.url}/${state.owner}/${state.repo}/blob/${state.defaultBranch}/${path}`;
  const git = `${urls.apiUrl}/repos/${state.owner}/${state.repo}/git/blobs/${sha}`;
  return {
    type: 'file' as const, encoding: 'base64', size: data.length, name: path.split('/').pop()!, path,
    // GitHub wraps base64 at 60 columns; clients must cope, so we do the same.
    content: data.toString('base64').replace(/.{60}/g, '$&\n'),
    sha, url: self, git_url: git, html_url: html,
    download_url: `${urls.url}/${state.owner}/${state.repo}/raw/${state.defaultBranch}/${path}`,
    _links: { git, html, self },
  };
}
