import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { GitHubServer } from './github-server';
import { api, octokit, start, TOKEN, workspace } from './spec-support';

const repo = { owner: 'acme', repo: 'rt' };

/** A server on a bare repo whose main holds `built`, then `registry` (the commit a release pushes last). */
async function twoCommits(): Promise<{ s: GitHubServer; built: string; registry: string }> {
  const ws = await workspace();
  const built = await ws.commit({ 'runtimes/node/manifest.yaml': 'version: 1.0.0\n' }, 'built');
  const registry = await ws.commit({ 'registry.json': '{}\n' }, 'registry');
  await ws.git(['push', '-q', 'origin', 'main']);
  return { s: await start({ bareRepo: ws.bare }), built, registry };
}

async function upload(s: GitHubServer, releaseId: number, name: string, bytes: Buffer) {
  return (await octokit(s).rest.repos.uploadReleaseAsset({
    ...repo, release_id: releaseId, name, data: bytes as unknown as string,
    url: `${s.url}/api/uploads/repos/acme/rt/releases/${releaseId}/assets{?name,label}`,
    headers: { 'content-type': 'application/gzip', 'content-length': bytes.length },
  })).data;
}

describe('publishing places the tag in the bare repo as GitHub does', () => {
  it('creates the missing tag at target_commitish (a sha) on publish, not before', async () => {
    const { s, built } = await twoCommits();
    const gh = octokit(s);
    const draft = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', target_commitish: built, draft: true })).data;
    expect(draft.target_commitish).toBe(built);
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBeUndefined();
    await gh.rest.repos.updateRelease({ ...repo, release_id: draft.id, draft: false });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(built);
    // Lightweight, as GitHub makes it.
    expect(await s.git.git(['cat-file', '-t', 'refs/tags/node@1.0.0'])).toBe('commit');
    s.assertNoViolations();
  });

  it('without target_commitish tags the default-branch tip at publish time: the registry commit pushed last', async () => {
    const ws = await workspace();
    const built = await ws.commit({ 'a.txt': 'built' }, 'built');
    await ws.git(['push', '-q', 'origin', 'main']);
    const s = await start({ bareRepo: ws.bare });
    const gh = octokit(s);
    const draft = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', draft: true })).data;
    expect(draft.target_commitish).toBe('main');
    const registry = await ws.commit({ 'registry.json': '{}' }, 'registry');
    await ws.git(['push', '-q', 'origin', 'main']);
    await gh.rest.repos.updateRelease({ ...repo, release_id: draft.id, draft: false });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(registry);
    expect(registry).not.toBe(built);
    // The same for a branch named as target and a release created published.
    await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.1', target_commitish: 'main' });
    expect(await s.git.revParse('refs/tags/node@1.0.1')).toBe(registry);
    s.assertNoViolations();
  });

  it('never moves an existing tag: a release for it uses it, whatever target_commitish says', async () => {
    const ws = await workspace();
    const built = await ws.commit({ 'a.txt': 'built' }, 'built');
    await ws.git(['tag', '-a', 'node@1.0.0', '-m', 'node 1.0.0']);
    const registry = await ws.commit({ 'registry.json': '{}' }, 'registry');
    await ws.git(['push', '-q', 'origin', 'main', 'node@1.0.0']);
    const tagObject = await ws.git(['rev-parse', 'node@1.0.0']);
    const s = await start({ bareRepo: ws.bare });
    const gh = octokit(s);
    await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', target_commitish: registry });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(tagObject);
    expect(await s.git.revParse('refs/tags/node@1.0.0^{commit}')).toBe(built);
    s.assertNoViolations();
  });

  it('refuses a target that names no commit and an invalid tag name, changing nothing', async () => {
    const { s } = await twoCommits();
    const gh = octokit(s);
    await expect(gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', target_commitish: 'f'.repeat(40) })).rejects.toMatchObject({
      status: 422, response: { data: { errors: [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }] } },
    });
    await expect(gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', target_commitish: 'no-such-branch', draft: true })).rejects.toMatchObject({ status: 422 });
    await expect(gh.rest.repos.createRelease({ ...repo, tag_name: 'bad..tag' })).rejects.toMatchObject({
      status: 422, response: { data: { errors: [{ code: 'invalid', field: 'tag_name' }] } },
    });
    expect(s.state.releases).toEqual([]);
    expect(await s.git.git(['tag', '--list'])).toBe('');
    s.assertNoViolations();
  });

  it('keeps the tag when the release is deleted', async () => {
    const { s, built } = await twoCommits();
    const gh = octokit(s);
    const r = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1', target_commitish: built })).data;
    await gh.rest.repos.deleteRelease({ ...repo, release_id: r.id });
    expect(await s.git.revParse('refs/tags/v1')).toBe(built);
    s.assertNoViolations();
  });
});

describe('one published release per tag', () => {
  it('lets drafts share a tag and refuses a second published release, on create and on publish', async () => {
    const { s, built, registry } = await twoCommits();
    const gh = octokit(s);
    const a = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', target_commitish: built, draft: true })).data;
    const b = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', target_commitish: registry, draft: true })).data;
    expect(a.id).not.toBe(b.id);
    await gh.rest.repos.updateRelease({ ...repo, release_id: a.id, draft: false });
    const refused = { status: 422, response: { data: { errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] } } };
    await expect(gh.rest.repos.updateRelease({ ...repo, release_id: b.id, draft: false })).rejects.toMatchObject(refused);
    await expect(gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0' })).rejects.toMatchObject(refused);
    // A draft may still be made for a tag with a published release (GitHub allows it).
    await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', draft: true });
    expect(s.state.releases.map((r) => [r.id, r.draft])).toEqual([[a.id, false], [b.id, true], [b.id + 1, true]]);
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(built);
    expect((await gh.rest.repos.getReleaseByTag({ ...repo, tag: 'node@1.0.0' })).data.id).toBe(a.id);
    // Renaming a published release onto a published tag is refused too.
    const other = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@2.0.0', target_commitish: built })).data;
    await expect(gh.rest.repos.updateRelease({ ...repo, release_id: other.id, tag_name: 'node@1.0.0' })).rejects.toMatchObject(refused);
    s.assertNoViolations();
  });

  it('lets exactly one of two concurrent publishes of one tag win', async () => {
    const { s, built } = await twoCommits();
    const gh = octokit(s);
    const draft = async (): Promise<number> => (await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', target_commitish: built, draft: true })).data.id;
    const ids = await Promise.all([draft(), draft()]);
    const results = await Promise.allSettled(ids.map((id) => gh.rest.repos.updateRelease({ ...repo, release_id: id, draft: false })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ status: 422 });
    expect(s.state.releases.filter((r) => !r.draft)).toHaveLength(1);
    s.assertNoViolations();
  });
});

describe('latest', () => {
  it('follows make_latest, never picks drafts or prereleases, and falls back to the legacy rule', async () => {
    const s = await start();
    const older = await s.git.commit({ message: 'older' });
    const newer = await s.git.commit({ message: 'newer' });
    const gh = octokit(s);
    const latest = async () => (await gh.rest.repos.getLatestRelease(repo)).data.tag_name;
    const publish = async (tag: string, target: string, extra: Record<string, unknown> = {}) =>
      (await gh.rest.repos.createRelease({ ...repo, tag_name: tag, target_commitish: target, ...extra })).data;

    await expect(gh.rest.repos.getLatestRelease(repo)).rejects.toMatchObject({ status: 404 });
    await gh.rest.repos.createRelease({ ...repo, tag_name: 'v9.0.0', draft: true });
    await expect(gh.rest.repos.getLatestRelease(repo)).rejects.toMatchObject({ status: 404 });

    await publish('v1.0.0', older);
    expect(await latest()).toBe('v1.0.0');
    const v2 = await publish('v2.0.0', older, { make_latest: 'false' });
    expect(await latest()).toBe('v1.0.0');
    await publish('v0.9.0', older);
    expect(await latest()).toBe('v0.9.0'); // made latest explicitly, whatever its version
    await publish('v3.0.0-rc.1', newer, { prerelease: true, make_latest: 'true' });
    expect(await latest()).toBe('v0.9.0');

    // legacy: newest tagged commit first, then the higher SemVer (all three are on `older`).
    await gh.rest.repos.updateRelease({ ...repo, release_id: v2.id, make_latest: 'legacy' });
    expect(await latest()).toBe('v2.0.0');
    const onNewer = await publish('v1.5.0', newer, { make_latest: 'legacy' });
    expect(await latest()).toBe('v1.5.0');
    await gh.rest.repos.updateRelease({ ...repo, release_id: onNewer.id, make_latest: 'false' });
    expect(await latest()).toBe('v2.0.0');
    await gh.rest.repos.updateRelease({ ...repo, release_id: onNewer.id, make_latest: 'true' });
    expect(await latest()).toBe('v1.5.0');
    // Unpublishing or deleting the latest hands the choice back to the legacy rule.
    await gh.rest.repos.deleteRelease({ ...repo, release_id: onNewer.id });
    expect(await latest()).toBe('v2.0.0');

    // releases/latest/download follows it.
    const bytes = Buffer.from('v2 bytes');
    await upload(s, v2.id, 'pkg.tgz', bytes);
    expect(Buffer.from(await (await fetch(`${s.url}/acme/rt/releases/latest/download/pkg.tgz`)).arrayBuffer())).toEqual(bytes);
    s.assertNoViolations();
  });
});

describe('drafts, assets and downloads', () => {
  it('hides drafts without the token; their untagged- web URLs never serve, the tag URL serves the exact bytes once published', async () => {
    const { s, built } = await twoCommits();
    const gh = octokit(s);
    const draft = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'node@1.0.0', target_commitish: built, draft: true })).data;
    expect(draft.html_url).toMatch(/\/acme\/rt\/releases\/tag\/untagged-[0-9a-f]{20}$/);
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const asset = await upload(s, draft.id, 'node-1.0.0.tar.gz', bytes);
    expect(asset).toMatchObject({ size: bytes.length, state: 'uploaded', digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` });
    const untaggedUrl = asset.browser_download_url;
    expect(untaggedUrl).toMatch(/\/releases\/download\/untagged-[0-9a-f]{20}\/node-1\.0\.0\.tar\.gz$/);
    const tagUrl = `${s.url}/acme/rt/releases/download/node%401.0.0/node-1.0.0.tar.gz`;
    for (const url of [untaggedUrl, tagUrl]) {
      expect((await fetch(url)).status).toBe(404);
      expect((await fetch(url, { headers: { authorization: `token ${TOKEN}` } })).status).toBe(404);
    }
    expect(await (await api(s, '/repos/acme/rt/releases', { auth: false })).json()).toEqual([]);
    expect((await api(s, `/repos/acme/rt/releases/${draft.id}`, { auth: false })).status).toBe(404);
    expect((await api(s, `/repos/acme/rt/releases/assets/${asset.id}`, { auth: false })).status).toBe(404);
    await expect(gh.rest.repos.getReleaseByTag({ ...repo, tag: 'node@1.0.0' })).rejects.toMatchObject({ status: 404 });
    // The owner can read a draft's asset through the API.
    const viaApi = await gh.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', { ...repo, asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
    expect(Buffer.from(viaApi.data as unknown as ArrayBuffer)).toEqual(bytes);

    const published = (await gh.rest.repos.updateRelease({ ...repo, release_id: draft.id, draft: false })).data;
    expect(published.html_url).toBe(`${s.url}/acme/rt/releases/tag/node%401.0.0`);
    expect(published.assets[0].browser_download_url).toBe(tagUrl);
    expect((await fetch(tagUrl, { redirect: 'manual' })).status).toBe(302);
    expect(Buffer.from(await (await fetch(tagUrl)).arrayBuffer())).toEqual(bytes);
    expect((await fetch(untaggedUrl)).status).toBe(404);
    expect((await fetch(`${s.url}/acme/rt/releases/download/node%401.0.0/other.tgz`)).status).toBe(404);

    await gh.rest.repos.deleteReleaseAsset({ ...repo, asset_id: asset.id });
    expect((await fetch(tagUrl)).status).toBe(404);
    s.assertNoViolations();
  });

  it('refuses a duplicate asset name with already_exists and keeps the first bytes', async () => {
    const { s } = await twoCommits();
    const draft = (await octokit(s).rest.repos.createRelease({ ...repo, tag_name: 'v1', draft: true })).data;
    await upload(s, draft.id, 'a.tgz', Buffer.from('first'));
    await expect(upload(s, draft.id, 'a.tgz', Buffer.from('second'))).rejects.toMatchObject({
      status: 422, response: { data: { errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] } },
    });
    expect(s.state.releases[0].assets.map((a) => a.data.toString())).toEqual(['first']);
    s.assertNoViolations();
  });

  it('updates the body and refuses one over 125000 characters', async () => {
    const { s } = await twoCommits();
    const gh = octokit(s);
    const r = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1', body: 'notes' })).data;
    expect((await gh.rest.repos.updateRelease({ ...repo, release_id: r.id, body: '> deprecated: use v2\n\nnotes' })).data.body).toBe('> deprecated: use v2\n\nnotes');
    await expect(gh.rest.repos.updateRelease({ ...repo, release_id: r.id, body: 'x'.repeat(125_001) })).rejects.toMatchObject({ status: 422 });
    expect((await gh.rest.repos.getRelease({ ...repo, release_id: r.id })).data.body).toBe('> deprecated: use v2\n\nnotes');
    s.assertNoViolations();
  });

  it('lists releases newest first with Link pagination octokit follows', async () => {
    const s = await start();
    const gh = octokit(s);
    for (let i = 0; i < 5; i++) await gh.rest.repos.createRelease({ ...repo, tag_name: `v0.0.${i}`, draft: i % 2 === 0 });
    expect((await api(s, '/repos/acme/rt/releases?per_page=2')).headers.get('link')).toContain('rel="next"');
    const all = await gh.paginate(gh.rest.repos.listReleases, { ...repo, per_page: 2 });
    expect(all.map((r: { tag_name: string }) => r.tag_name)).toEqual(['v0.0.4', 'v0.0.3', 'v0.0.2', 'v0.0.1', 'v0.0.0']);
    const anonymous = (await (await api(s, '/repos/acme/rt/releases', { auth: false })).json()) as Array<{ tag_name: string }>;
    expect(anonymous.map((r) => r.tag_name)).toEqual(['v0.0.3', 'v0.0.1']);
    s.assertNoViolations();
  });
});
