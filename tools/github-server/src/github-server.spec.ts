import { Octokit } from 'octokit';
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer, type GitHubServerOptions } from './github-server';

const TOKEN = 'ghs_testtoken123';
let server: GitHubServer | undefined;

async function start(opts: GitHubServerOptions = {}): Promise<GitHubServer> {
  server = await startGitHubServer({ owner: 'acme', repo: 'rt', token: TOKEN, ...opts });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function api(s: GitHubServer, path: string, init: RequestInit & { auth?: boolean } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set('authorization', `token ${TOKEN}`);
  if (typeof init.body === 'string') headers.set('content-type', 'application/json');
  return fetch(`${s.apiUrl}${path}`, { ...init, headers });
}

function octokit(s: GitHubServer): Octokit {
  return new Octokit({ auth: TOKEN, baseUrl: s.apiUrl, retry: { enabled: false }, throttle: { enabled: false } });
}

describe('startGitHubServer', () => {
  it('starts fast and serves the repository with its default branch and rate-limit headers', async () => {
    const t = Date.now();
    const s = await start({ defaultBranch: 'trunk' });
    expect(Date.now() - t).toBeLessThan(1000);
    const res = await api(s, '/repos/acme/rt', { auth: false });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { default_branch: string }).default_branch).toBe('trunk');
    expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeLessThan(5000);
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect((await api(s, '/repos/acme/other')).status).toBe(404);
    expect(s.violations).toEqual([]);
  });

  it('runs the draft → upload → publish lifecycle through octokit with zero violations', async () => {
    const s = await start();
    const gh = octokit(s);
    const { data: draft } = await gh.rest.repos.createRelease({ owner: 'acme', repo: 'rt', tag_name: 'node@1.0.0', name: 'node 1.0.0', draft: true });
    expect(draft.upload_url).toBe(`${s.url}/api/uploads/repos/acme/rt/releases/${draft.id}/assets{?name,label}`);

    const bytes = Buffer.from('tarball bytes');
    const { data: asset } = await gh.rest.repos.uploadReleaseAsset({
      owner: 'acme', repo: 'rt', release_id: draft.id, name: 'node-1.0.0.tar.gz', url: draft.upload_url,
      data: bytes as unknown as string, headers: { 'content-type': 'application/gzip', 'content-length': bytes.length },
    });
    expect(asset).toMatchObject({ name: 'node-1.0.0.tar.gz', size: bytes.length, content_type: 'application/gzip', digest: 'sha256:' + require('node:crypto').createHash('sha256').update(bytes).digest('hex') });
    expect(asset.browser_download_url).toBe(`${s.url}/acme/rt/releases/download/node%401.0.0/node-1.0.0.tar.gz`);

    // Drafts are hidden from get-by-tag, from anonymous listings and from browser downloads.
    await expect(gh.rest.repos.getReleaseByTag({ owner: 'acme', repo: 'rt', tag: 'node@1.0.0' })).rejects.toMatchObject({ status: 404 });
    expect(await (await api(s, '/repos/acme/rt/releases', { auth: false })).json()).toEqual([]);
    expect((await gh.rest.repos.listReleases({ owner: 'acme', repo: 'rt' })).data.map((r: { id: number }) => r.id)).toEqual([draft.id]);
    expect((await fetch(asset.browser_download_url)).status).toBe(404);

    // The API download works for a draft with a token (302 to storage, followed by fetch).
    const viaApi = await gh.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', { owner: 'acme', repo: 'rt', asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
    expect(Buffer.from(viaApi.data as unknown as ArrayBuffer)).toEqual(bytes);

    await expect(gh.rest.repos.uploadReleaseAsset({ owner: 'acme', repo: 'rt', release_id: draft.id, name: 'node-1.0.0.tar.gz', url: draft.upload_url, data: 'x' })).rejects.toMatchObject({
      status: 422, response: { data: { errors: [{ code: 'already_exists', field: 'name' }] } },
    });

    const { data: published } = await gh.rest.repos.updateRelease({ owner: 'acme', repo: 'rt', release_id: draft.id, draft: false, make_latest: 'true' });
    expect(published.published_at).not.toBeNull();
    expect((await gh.rest.repos.getReleaseByTag({ owner: 'acme', repo: 'rt', tag: 'node@1.0.0' })).data.id).toBe(draft.id);
    // Publishing created the tag at the default branch head, as GitHub does.
    expect(s.state.refs.get('tags/node@1.0.0')).toBe(s.state.refs.get('heads/main'));
    const download = await fetch(asset.browser_download_url, { redirect: 'manual' });
    expect(download.status).toBe(302);
    expect(Buffer.from(await (await fetch(asset.browser_download_url)).arrayBuffer())).toEqual(bytes);

    await gh.rest.repos.deleteReleaseAsset({ owner: 'acme', repo: 'rt', asset_id: asset.id });
    await gh.rest.repos.deleteRelease({ owner: 'acme', repo: 'rt', release_id: draft.id });
    expect(s.state.releases).toEqual([]);
    expect(s.violations).toEqual([]);
  });

  it('paginates releases newest first with Link headers octokit follows', async () => {
    const s = await start();
    const gh = octokit(s);
    for (let i = 0; i < 5; i++) await gh.rest.repos.createRelease({ owner: 'acme', repo: 'rt', tag_name: `v0.0.${i}`, draft: i % 2 === 0 });
    const first = await api(s, '/repos/acme/rt/releases?per_page=2');
    expect(first.headers.get('link')).toContain('rel="next"');
    const all = await gh.paginate(gh.rest.repos.listReleases, { owner: 'acme', repo: 'rt', per_page: 2 });
    expect(all.map((r: { tag_name: string }) => r.tag_name)).toEqual(['v0.0.4', 'v0.0.3', 'v0.0.2', 'v0.0.1', 'v0.0.0']);
    await expect(gh.rest.repos.createRelease({ owner: 'acme', repo: 'rt', tag_name: 'v0.0.1' })).rejects.toMatchObject({ status: 422 });
    expect(s.violations).toEqual([]);
  });

  it('renames a release tag and refuses a tag another release holds', async () => {
    const s = await start();
    const gh = octokit(s);
    const a = (await gh.rest.repos.createRelease({ owner: 'acme', repo: 'rt', tag_name: 'a', draft: true })).data;
    await gh.rest.repos.createRelease({ owner: 'acme', repo: 'rt', tag_name: 'b', draft: true });
    await expect(gh.rest.repos.updateRelease({ owner: 'acme', repo: 'rt', release_id: a.id, tag_name: 'b' })).rejects.toMatchObject({ status: 422 });
    expect((await gh.rest.repos.updateRelease({ owner: 'acme', repo: 'rt', release_id: a.id, tag_name: 'c' })).data.tag_name).toBe('c');
    expect(s.violations).toEqual([]);
  });

  it('creates, reads, fast-forwards, force-moves and deletes git refs', async () => {
    const s = await start();
    const gh = octokit(s);
    const head = s.state.refs.get('heads/main')!;
    await gh.rest.git.createRef({ owner: 'acme', repo: 'rt', ref: 'refs/tags/node@1.0.0', sha: head });
    expect((await gh.rest.git.getRef({ owner: 'acme', repo: 'rt', ref: 'tags/node@1.0.0' })).data.object.sha).toBe(head);
    await expect(gh.rest.git.createRef({ owner: 'acme', repo: 'rt', ref: 'refs/tags/node@1.0.0', sha: head })).rejects.toMatchObject({ status: 422 });
    await expect(gh.rest.git.createRef({ owner: 'acme', repo: 'rt', ref: 'refs/tags/x', sha: 'f'.repeat(40) })).rejects.toMatchObject({ status: 422 });

    const child = s.state.advanceDefaultBranch();
    await gh.rest.git.updateRef({ owner: 'acme', repo: 'rt', ref: 'tags/node@1.0.0', sha: child });
    const unrelated = s.state.addCommit(null);
    await expect(gh.rest.git.updateRef({ owner: 'acme', repo: 'rt', ref: 'tags/node@1.0.0', sha: unrelated })).rejects.toMatchObject({ status: 422 });
    await gh.rest.git.updateRef({ owner: 'acme', repo: 'rt', ref: 'tags/node@1.0.0', sha: unrelated, force: true });

    const matching = await gh.rest.git.listMatchingRefs({ owner: 'acme', repo: 'rt', ref: 'tags/node@' });
    expect(matching.data.map((r: { ref: string; object: { sha: string } }) => [r.ref, r.object.sha])).toEqual([['refs/tags/node@1.0.0', unrelated]]);
    await gh.rest.git.deleteRef({ owner: 'acme', repo: 'rt', ref: 'tags/node@1.0.0' });
    await expect(gh.rest.git.getRef({ owner: 'acme', repo: 'rt', ref: 'tags/node@1.0.0' })).rejects.toMatchObject({ status: 404 });
    expect(s.violations).toEqual([]);
  });

  it('serves registry.json through the contents API as JSON, raw, and with ETag revalidation', async () => {
    const s = await start();
    const registry = JSON.stringify({ version: '1', runtimes: {} });
    s.state.putFile('registry.json', registry);
    const { data } = await octokit(s).rest.repos.getContent({ owner: 'acme', repo: 'rt', path: 'registry.json' });
    expect(Buffer.from((data as { content: string }).content, 'base64').toString()).toBe(registry);
    const raw = await api(s, '/repos/acme/rt/contents/registry.json', { auth: false, headers: { accept: 'application/vnd.github.raw+json' } });
    expect(await raw.text()).toBe(registry);
    const again = await api(s, '/repos/acme/rt/contents/registry.json', { auth: false, headers: { accept: 'application/vnd.github.raw', 'if-none-match': raw.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await api(s, '/repos/acme/rt/contents/missing.json')).status).toBe(404);
    expect(s.violations).toEqual([]);
  });

  it('requires the token on writes and rejects a wrong one', async () => {
    const s = await start();
    expect((await api(s, '/repos/acme/rt/releases', { method: 'POST', body: '{"tag_name":"v1"}', auth: false })).status).toBe(401);
    expect((await api(s, '/repos/acme/rt', { headers: { authorization: 'token nope' }, auth: false })).status).toBe(401);
    expect(s.state.releases).toEqual([]);
  });
});

describe('OpenAPI checking', () => {
  it('catches a request that breaks the description (create release without tag_name)', async () => {
    const s = await start();
    const res = await api(s, '/repos/acme/rt/releases', { method: 'POST', body: JSON.stringify({ name: 'no tag' }) });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toContain("must have required property 'tag_name'");
    expect(s.violations).toEqual([expect.stringContaining("POST /repos/{owner}/{repo}/releases: request body must have required property 'tag_name'")]);
    const wrongType = await api(s, '/repos/acme/rt/releases?per_page=lots');
    expect(wrongType.status).toBe(500);
    expect(s.violations[1]).toContain('query parameter "per_page" must be integer');
  });

  it('catches a response that breaks the description', async () => {
    const s = await start();
    const release = (await octokit(s).rest.repos.createRelease({ owner: 'acme', repo: 'rt', tag_name: 'v1', draft: true })).data;
    // Corrupt the stored state so the release representation carries a non-boolean `draft`.
    (s.state.findRelease(release.id) as { draft: unknown }).draft = 'yes';
    const res = await api(s, `/repos/acme/rt/releases/${release.id}`);
    expect(res.status).toBe(500);
    expect(s.violations).toEqual([expect.stringMatching(/GET \/repos\/\{owner\}\/\{repo\}\/releases\/\{release_id\} → 200: response body\/draft must be boolean/)]);
  });
});

describe('fault injection', () => {
  it.each([
    ['500', 500],
    ['502', 502],
    ['503', 503],
  ] as const)('%s answers with that status for exactly the next matching request', async (kind, status) => {
    const s = await start({ faults: { next: 1, kinds: [kind], match: /^GET \/repos\/acme\/rt$/ } });
    expect((await api(s, '/repos/acme/rt/releases')).status).toBe(200);
    expect((await api(s, '/repos/acme/rt')).status).toBe(status);
    expect((await api(s, '/repos/acme/rt')).status).toBe(200);
  });

  it('rate-limit-403 sends remaining 0 and a reset time', async () => {
    const s = await start({ faults: { next: 1, kinds: ['rate-limit-403'] } });
    const res = await api(s, '/repos/acme/rt');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('rate-limit-429 sends retry-after: 1', async () => {
    const s = await start({ faults: { next: 1, kinds: ['rate-limit-429'] } });
    const res = await api(s, '/repos/acme/rt');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('timeout hangs until the client gives up', async () => {
    const s = await start({ faults: { next: 1, kinds: ['timeout'] } });
    const t = Date.now();
    await expect(api(s, '/repos/acme/rt', { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    expect(s.requests[0]).toMatchObject({ status: 0 });
  });

  it('reset drops the connection in the middle of an upload and stores nothing', async () => {
    const s = await start();
    const gh = octokit(s);
    const draft = (await gh.rest.repos.createRelease({ owner: 'acme', repo: 'rt', tag_name: 'v1', draft: true })).data;
    s.setFaults({ next: 1, kinds: ['reset'], match: /^POST .*\/assets$/ });
    const big = Buffer.alloc(4 * 1024 * 1024, 7);
    await expect(fetch(`${s.url}/api/uploads/repos/acme/rt/releases/${draft.id}/assets?name=big.bin`, {
      method: 'POST', body: big, headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/octet-stream' },
    })).rejects.toThrow(/fetch failed/);
    expect(s.state.findRelease(draft.id)!.assets).toEqual([]);
  });

  it('is deterministic for a seed and fails roughly at the given rate', async () => {
    const run = async () => {
      const s = await start({ faults: { rate: 0.3, seed: 42, kinds: ['500', '503'] } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await api(s, '/repos/acme/rt')).status);
      await s.close();
      return statuses;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    const failures = a.filter((x) => x !== 200).length;
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(20);
  });
});
