import { describe, expect, it } from 'vitest';
import { api, octokit, start, TOKEN } from './spec-support';

const repo = { owner: 'acme', repo: 'rt' };

describe('startGitHubServer', () => {
  it('serves the repository with its default branch and rate-limit headers', async () => {
    const s = await start({ defaultBranch: 'trunk' });
    expect(s.repository).toBe('acme/rt');
    const res = await api(s, '/repos/acme/rt', { auth: false });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { default_branch: string }).default_branch).toBe('trunk');
    expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeLessThan(5000);
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect((await api(s, '/repos/acme/other')).status).toBe(404);
    expect((await fetch(`${s.url}/not/a/page`)).status).toBe(404);
    s.assertNoViolations();
  });

  it('requires the token on writes and rejects a wrong one', async () => {
    const s = await start();
    expect((await api(s, '/repos/acme/rt/releases', { method: 'POST', body: '{"tag_name":"v1"}', auth: false })).status).toBe(401);
    expect((await api(s, '/repos/acme/rt', { headers: { authorization: 'token nope' }, auth: false })).status).toBe(401);
    expect(s.state.releases).toEqual([]);
    s.assertNoViolations();
  });
});

describe('contract violations', () => {
  it('answers a request that breaks the description with 400, which octokit does not retry, and records it', async () => {
    const s = await start();
    const gh = octokit(s, { enabled: true, retries: 3 });
    await expect(gh.request('POST /repos/{owner}/{repo}/releases', { ...repo, name: 'no tag' } as never)).rejects.toMatchObject({ status: 400 });
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(s.violations).toEqual([expect.stringContaining("POST /repos/{owner}/{repo}/releases: request body must have required property 'tag_name'")]);
    const wrongType = await api(s, '/repos/acme/rt/releases?per_page=lots');
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { message: string }).message).toContain('query parameter "per_page" must be integer');
    expect((await api(s, '/repos/acme/rt/releases', { method: 'POST', body: '{not json' })).status).toBe(400);
    expect(s.violations).toHaveLength(3);
    expect(() => s.assertNoViolations()).toThrow(/recorded 3 violation\(s\):\n.*tag_name/);
    expect(s.state.releases).toEqual([]);
  });

  it('answers an operation GitHub has but the server does not serve with 400 instead of a misleading 404', async () => {
    const s = await start();
    const res = await api(s, '/repos/acme/rt/tags');
    expect(res.status).toBe(400);
    expect(s.violations).toEqual(['GET /repos/{owner}/{repo}/tags: not served by the test server (add it to tools/github-server)']);
    // A path GitHub does not have is a plain 404, as on GitHub.
    expect((await api(s, '/repos/acme/rt/no-such-thing')).status).toBe(404);
    expect(s.violations).toHaveLength(1);
  });

  it('catches a response that breaks the description', async () => {
    const s = await start();
    const release = (await octokit(s).rest.repos.createRelease({ ...repo, tag_name: 'v1', draft: true })).data;
    // Corrupt the stored state so the release representation carries a non-boolean `draft`.
    (s.state.findRelease(release.id) as { draft: unknown }).draft = 'yes';
    expect((await api(s, `/repos/acme/rt/releases/${release.id}`)).status).toBe(400);
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
    expect(s.requests.map((r) => r.fault)).toEqual([undefined, kind, undefined]);
    s.assertNoViolations();
  });

  it('rate-limit-403 sends remaining 0 and a reset time; rate-limit-429 sends retry-after', async () => {
    const s = await start({ faults: { next: 2, kinds: ['rate-limit-403'] } });
    const res = await api(s, '/repos/acme/rt');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    s.setFaults({ next: 1, kinds: ['rate-limit-429'] });
    const limited = await api(s, '/repos/acme/rt');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    s.assertNoViolations();
  });

  it('timeout hangs until the client gives up, and the request is not applied', async () => {
    const s = await start({ faults: { next: 1, kinds: ['timeout'] } });
    await expect(api(s, '/repos/acme/rt/releases', { method: 'POST', body: '{"tag_name":"v1"}', signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(s.requests[0]).toMatchObject({ status: 0, fault: 'timeout' });
    expect(s.state.releases).toEqual([]);
    s.assertNoViolations();
  });

  it('reset drops the connection in the middle of an upload and stores nothing', async () => {
    const s = await start();
    const draft = (await octokit(s).rest.repos.createRelease({ ...repo, tag_name: 'v1', draft: true })).data;
    s.setFaults({ next: 1, kinds: ['reset'], match: /^POST .*\/assets$/ });
    await expect(fetch(`${s.url}/api/uploads/repos/acme/rt/releases/${draft.id}/assets?name=big.bin`, {
      method: 'POST', body: Buffer.alloc(4 * 1024 * 1024, 7), headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/octet-stream' },
    })).rejects.toThrow(/fetch failed/);
    expect(s.state.findRelease(draft.id)!.assets).toEqual([]);
    s.assertNoViolations();
  });

  it('never half-applies: under 30 % faults, exactly the requests answered 201 exist', async () => {
    const s = await start({ faults: { rate: 0.3, seed: 3, kinds: ['500', '502', '503', 'rate-limit-403', 'rate-limit-429', 'reset'] } });
    const created: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await api(s, '/repos/acme/rt/releases', { method: 'POST', body: JSON.stringify({ tag_name: `v${i}`, target_commitish: 'main' }) }).catch(() => undefined);
      if (res?.status === 201) created.push(`v${i}`);
    }
    expect(created.length).toBeGreaterThan(10);
    expect(created.length).toBeLessThan(30);
    expect(s.state.releases.map((r) => r.tagName)).toEqual(created);
    expect((await s.git.git(['tag', '--list'])).split('\n').sort()).toEqual([...created].sort());
    s.assertNoViolations();
  });

  it('is deterministic for a seed', async () => {
    const run = async () => {
      const s = await start({ faults: { rate: 0.3, seed: 42, kinds: ['500', '503'] } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await api(s, '/repos/acme/rt')).status);
      return statuses;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a.some((x) => x !== 200)).toBe(true);
  });
});

describe('lost responses: applied in full, the answer lost', () => {
  it('a retried create after a lost 502 meets its own release (already_exists)', async () => {
    const s = await start({ faults: { next: 1, kinds: ['lost-502'], match: /^POST \/repos\/acme\/rt\/releases$/ } });
    const gh = octokit(s, { enabled: true, retries: 2 });
    await expect(gh.rest.repos.createRelease({ ...repo, tag_name: 'v1' })).rejects.toMatchObject({ status: 422, response: { data: { errors: [{ code: 'already_exists' }] } } });
    expect(s.requests.filter((r) => r.method === 'POST').map((r) => [r.status, r.fault])).toEqual([[502, 'lost-502'], [422, undefined]]);
    expect(s.state.releases.map((r) => [r.tagName, r.draft])).toEqual([['v1', false]]);
    expect(await s.git.revParse('refs/tags/v1')).toBe(await s.git.revParse('refs/heads/main'));
    s.assertNoViolations();
  });

  it('a retried draft create after a lost reset leaves two drafts (the real trap)', async () => {
    const s = await start({ faults: { next: 1, kinds: ['lost-reset'], match: /^POST \/repos\/acme\/rt\/releases$/ } });
    const gh = octokit(s, { enabled: true, retries: 2 });
    await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1', draft: true });
    expect(s.state.releases.map((r) => [r.tagName, r.draft])).toEqual([['v1', true], ['v1', true]]);
    s.assertNoViolations();
  });

  it('an upload whose answer is lost is stored once, with the exact bytes; the retry gets already_exists', async () => {
    const s = await start();
    const gh = octokit(s, { enabled: true, retries: 2 });
    const draft = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1', draft: true })).data;
    s.setFaults({ next: 1, kinds: ['lost-reset'], match: /\/assets$/ });
    const bytes = Buffer.from('package bytes');
    await expect(gh.rest.repos.uploadReleaseAsset({ ...repo, release_id: draft.id, name: 'p.tgz', url: draft.upload_url, data: bytes as unknown as string, headers: { 'content-length': bytes.length, 'content-type': 'application/gzip' } }))
      .rejects.toMatchObject({ status: 422, response: { data: { errors: [{ resource: 'ReleaseAsset', code: 'already_exists' }] } } });
    expect(s.state.releases[0].assets.map((a) => a.data)).toEqual([bytes]);
    s.assertNoViolations();
  });

  it('a publish whose answer never comes is applied: released, tag placed', async () => {
    const s = await start();
    const gh = octokit(s);
    const draft = (await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1', draft: true })).data;
    s.setFaults({ next: 1, kinds: ['lost-timeout'], match: /^PATCH / });
    await expect(api(s, `/repos/acme/rt/releases/${draft.id}`, { method: 'PATCH', body: '{"draft":false}', signal: AbortSignal.timeout(500) })).rejects.toMatchObject({ name: 'TimeoutError' });
    await s.settled();
    expect(s.requests.at(-1)).toMatchObject({ method: 'PATCH', status: 0, fault: 'lost-timeout' });
    expect(s.state.findRelease(draft.id)!.draft).toBe(false);
    expect(await s.git.revParse('refs/tags/v1')).toBe(await s.git.revParse('refs/heads/main'));
    expect((await gh.rest.repos.getReleaseByTag({ ...repo, tag: 'v1' })).data.id).toBe(draft.id);
    s.assertNoViolations();
  });
});
