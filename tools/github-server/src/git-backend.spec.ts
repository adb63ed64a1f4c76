import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { startGitHubServer } from './github-server';
import { api, octokit, start, workspace } from './spec-support';

const repo = { owner: 'acme', repo: 'rt' };

describe('the bare repo is the git backend', () => {
  it('shows a push (commits, annotated and lightweight tags, files) through the API at once', async () => {
    const ws = await workspace('trunk');
    const first = await ws.commit({ 'registry.json': '{"v":1}\n', 'docs/read me.md': 'hello' }, 'first');
    await ws.git(['tag', '-a', 'v1', '-m', 'release v1']);
    await ws.git(['tag', 'light']);
    await ws.git(['push', '-q', 'origin', 'trunk', 'v1', 'light']);
    const s = await start({ bareRepo: ws.bare });
    const gh = octokit(s);

    expect((await gh.rest.repos.get(repo)).data.default_branch).toBe('trunk');
    expect((await gh.rest.git.getRef({ ...repo, ref: 'heads/trunk' })).data.object).toMatchObject({ type: 'commit', sha: first });

    const annotated = (await gh.rest.git.getRef({ ...repo, ref: 'tags/v1' })).data.object;
    expect(annotated.type).toBe('tag');
    expect(annotated.sha).toBe(await ws.git(['rev-parse', 'v1']));
    const tag = (await gh.rest.git.getTag({ ...repo, tag_sha: annotated.sha })).data;
    expect(tag).toMatchObject({ tag: 'v1', message: 'release v1\n', object: { type: 'commit', sha: first }, tagger: { name: 'Spec Committer', email: 'committer@spec.invalid' } });
    expect((await gh.rest.git.getRef({ ...repo, ref: 'tags/light' })).data.object).toMatchObject({ type: 'commit', sha: first });
    // A commit is not a tag object, and a tag object is not a commit: no peeling, as on GitHub.
    await expect(gh.rest.git.getTag({ ...repo, tag_sha: first })).rejects.toMatchObject({ status: 404 });
    await expect(gh.rest.git.getCommit({ ...repo, commit_sha: annotated.sha })).rejects.toMatchObject({ status: 404 });

    const commit = (await gh.rest.git.getCommit({ ...repo, commit_sha: first })).data;
    expect(commit).toMatchObject({ sha: first, message: 'first\n', parents: [], author: { name: 'Spec Author' }, tree: { sha: await ws.git(['rev-parse', 'HEAD^{tree}']) } });
    expect(commit.verification).toMatchObject({ verified: false, reason: 'unsigned' });
    expect((await gh.rest.repos.getCommit({ ...repo, ref: 'v1' })).data.sha).toBe(first);
    await expect(gh.rest.repos.getCommit({ ...repo, ref: 'nope' })).rejects.toMatchObject({ status: 422 });

    const matching = (await gh.rest.git.listMatchingRefs({ ...repo, ref: 'tags/' })).data;
    expect(matching.map((r: { ref: string }) => r.ref)).toEqual(['refs/tags/light', 'refs/tags/v1']);

    // Contents: JSON and raw, nested paths with spaces, any ref.
    const file = (await gh.rest.repos.getContent({ ...repo, path: 'registry.json' })).data as { content: string; sha: string; download_url: string };
    expect(Buffer.from(file.content, 'base64').toString()).toBe('{"v":1}\n');
    expect(file.sha).toBe(await ws.git(['rev-parse', 'HEAD:registry.json']));
    expect(await (await fetch(file.download_url)).text()).toBe('{"v":1}\n');
    expect(await (await api(s, '/repos/acme/rt/contents/docs/read%20me.md', { headers: { accept: 'application/vnd.github.raw+json' } })).text()).toBe('hello');
    expect((await api(s, '/repos/acme/rt/contents/docs')).status).toBe(404);
    expect((await api(s, '/repos/acme/rt/contents/missing.json')).status).toBe(404);
    expect((await api(s, '/repos/acme/rt/contents/registry.json?ref=nope')).status).toBe(404);

    // The next push is visible to the very next request; old refs still read the old bytes.
    const second = await ws.commit({ 'registry.json': '{"v":2}\n' }, 'second');
    await ws.git(['checkout', '-q', '-b', 'feature/x']);
    const onBranch = await ws.commit({ 'registry.json': '{"v":3}\n' });
    await ws.git(['push', '-q', 'origin', 'trunk', 'feature/x']);
    const raw = (query: string) => api(s, `/repos/acme/rt/contents/registry.json${query}`, { auth: false, headers: { accept: 'application/vnd.github.raw' } });
    expect(await (await raw('')).text()).toBe('{"v":2}\n');
    expect(await (await raw('?ref=v1')).text()).toBe('{"v":1}\n');
    expect(await (await raw(`?ref=${first}`)).text()).toBe('{"v":1}\n');
    expect(await (await raw('?ref=feature/x')).text()).toBe('{"v":3}\n');
    expect(await (await fetch(`${s.url}/acme/rt/raw/feature/x/registry.json`)).text()).toBe('{"v":3}\n');
    expect((await fetch(`${s.url}/acme/rt/raw/nope/registry.json`)).status).toBe(404);
    expect((await gh.rest.git.getRef({ ...repo, ref: 'heads/trunk' })).data.object.sha).toBe(second);
    expect((await gh.rest.repos.getCommit({ ...repo, ref: 'heads/feature/x' })).data.parents.map((p: { sha: string }) => p.sha)).toEqual([second]);
    expect(onBranch).not.toBe(second);

    // ETag revalidation follows the blob.
    const tagged = await raw('');
    const etag = tagged.headers.get('etag')!;
    expect((await api(s, '/repos/acme/rt/contents/registry.json', { headers: { 'if-none-match': etag } })).status).toBe(304);
    await ws.git(['checkout', '-q', 'trunk']);
    await ws.commit({ 'registry.json': '{"v":4}\n' });
    await ws.git(['push', '-q', 'origin', 'trunk']);
    const changed = await api(s, '/repos/acme/rt/contents/registry.json', { headers: { 'if-none-match': etag, accept: 'application/vnd.github.raw' } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe('{"v":4}\n');
    s.assertNoViolations();
  });

  it('writes refs through the API into the bare repo: create, fast-forward, force, delete', async () => {
    const ws = await workspace();
    const a = await ws.commit({ f: 'a' });
    const b = await ws.commit({ f: 'b' });
    await ws.git(['push', '-q', 'origin', `${a}:refs/heads/main`]);
    await ws.git(['push', '-q', 'origin', `${b}:refs/heads/next`]);
    const unrelated = (await ws.git(['commit-tree', '-m', 'orphan', (await ws.git(['rev-parse', 'HEAD^{tree}']))])).trim();
    await ws.git(['push', '-q', 'origin', `${unrelated}:refs/heads/orphan`]);
    const s = await start({ bareRepo: ws.bare });
    const gh = octokit(s);

    await gh.rest.git.createRef({ ...repo, ref: 'refs/tags/node@1.0.0', sha: a });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(a);
    expect(await ws.git(['ls-remote', 'origin', 'refs/tags/node@1.0.0'])).toBe(`${a}\trefs/tags/node@1.0.0`);
    await expect(gh.rest.git.createRef({ ...repo, ref: 'refs/tags/node@1.0.0', sha: b })).rejects.toMatchObject({ status: 422, response: { data: { message: 'Reference already exists' } } });
    await expect(gh.rest.git.createRef({ ...repo, ref: 'refs/tags/x', sha: 'f'.repeat(40) })).rejects.toMatchObject({ status: 422, response: { data: { message: 'Object does not exist' } } });
    await expect(gh.rest.git.createRef({ ...repo, ref: 'refs/tags/bad..name', sha: a })).rejects.toMatchObject({ status: 422 });
    await expect(gh.rest.git.createRef({ ...repo, ref: 'tags/short', sha: a })).rejects.toMatchObject({ status: 422 });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(a);

    await gh.rest.git.updateRef({ ...repo, ref: 'tags/node@1.0.0', sha: b });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(b);
    await expect(gh.rest.git.updateRef({ ...repo, ref: 'tags/node@1.0.0', sha: unrelated })).rejects.toMatchObject({ status: 422, response: { data: { message: 'Update is not a fast forward' } } });
    await expect(gh.rest.git.updateRef({ ...repo, ref: 'tags/node@1.0.0', sha: a })).rejects.toMatchObject({ status: 422 });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(b);
    await gh.rest.git.updateRef({ ...repo, ref: 'tags/node@1.0.0', sha: unrelated, force: true });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBe(unrelated);
    await expect(gh.rest.git.updateRef({ ...repo, ref: 'tags/missing', sha: a })).rejects.toMatchObject({ status: 422, response: { data: { message: 'Reference does not exist' } } });

    // A push made behind the API's back is what the next API call sees.
    await ws.git(['push', '-q', '--force', 'origin', `${a}:refs/tags/node@1.0.0`]);
    expect((await gh.rest.git.getRef({ ...repo, ref: 'tags/node@1.0.0' })).data.object.sha).toBe(a);

    await gh.rest.git.deleteRef({ ...repo, ref: 'tags/node@1.0.0' });
    expect(await s.git.revParse('refs/tags/node@1.0.0')).toBeUndefined();
    await expect(gh.rest.git.getRef({ ...repo, ref: 'tags/node@1.0.0' })).rejects.toMatchObject({ status: 404 });
    await expect(gh.rest.git.deleteRef({ ...repo, ref: 'tags/node@1.0.0' })).rejects.toMatchObject({ status: 422 });
    s.assertNoViolations();
  });

  it('makes its own bare repo when given none, seeds it with commit(), and removes it on close', async () => {
    const s = await startGitHubServer({ owner: 'acme', repo: 'rt', defaultBranch: 'trunk' });
    const path = s.git.path;
    const root = (await s.git.revParse('refs/heads/trunk'))!;
    expect(root).toMatch(/^[0-9a-f]{40}$/);
    const next = await s.git.commit({ files: { 'registry.json': '{}' }, message: 'registry' });
    expect(await s.git.revParse('refs/heads/trunk')).toBe(next);
    expect(await s.git.git(['rev-parse', `${next}^`])).toBe(root);
    const orphan = await s.git.commit({ parent: null, branch: null });
    expect(await s.git.git(['rev-list', '--count', orphan])).toBe('1');
    expect(await s.git.revParse('refs/heads/trunk')).toBe(next);
    const res = await api(s, '/repos/acme/rt/contents/registry.json', { headers: { accept: 'application/vnd.github.raw' } });
    expect(await res.text()).toBe('{}');
    expect(((await (await api(s, '/repos/acme/rt')).json()) as { default_branch: string }).default_branch).toBe('trunk');
    s.assertNoViolations();
    await s.close();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a path that is not a bare repo, and defaultBranch next to bareRepo', async () => {
    const dir = await testdir();
    await expect(startGitHubServer({ bareRepo: dir })).rejects.toThrow(/is not a bare git repository/);
    const ws = await workspace();
    await expect(startGitHubServer({ bareRepo: ws.bare, defaultBranch: 'x' })).rejects.toThrow(/its HEAD is the default branch/);
  });
});
