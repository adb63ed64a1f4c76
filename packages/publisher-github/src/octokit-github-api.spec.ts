import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TransientError, UserError } from '@runway/errors';
import { memoryLogger } from '@runway/log';
import { startGitHubServer, type GitHubServer } from '@runway/github-server';
import { testdir } from '@runway/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { GitHubApi } from './github-api';
import { createGitHubApi } from './octokit-github-api';

const TOKEN = 'ghs_SuperSecretToken42';
let server: GitHubServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(opts: { retries?: number; token?: string } = {}): Promise<{ s: GitHubServer; gh: GitHubApi; logger: ReturnType<typeof memoryLogger> }> {
  server = await startGitHubServer({ owner: 'acme', repo: 'rt', token: TOKEN });
  const logger = memoryLogger();
  const gh = createGitHubApi({
    token: opts.token ?? TOKEN, repository: 'acme/rt', apiUrl: server.apiUrl, retries: opts.retries ?? 4, logger,
    timing: { retryAfterBaseMs: 5, writeIntervalMs: 0, requestTimeoutMs: 1500, uploadTimeoutMs: 1500 },
  });
  return { s: server, gh, logger };
}

async function file(content: string | Buffer, name = 'node-1.0.0.tar.gz'): Promise<string> {
  const dir = await testdir({});
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const draftInput = { tag: 'node@1.0.0', name: 'node 1.0.0', body: 'notes', draft: true, prerelease: false };

describe('createGitHubApi against the GitHub test server', () => {
  it('creates a draft, uploads, finds it by tag, publishes, downloads and deletes', async () => {
    const { s, gh } = await setup();
    expect(await gh.getDefaultBranch()).toBe('main');
    expect(await gh.getPublishedRelease('node@1.0.0')).toBeUndefined();
    expect(await gh.listReleasesForTag('node@1.0.0')).toEqual([]);
    const draft = await gh.createRelease(draftInput);
    expect(draft).toMatchObject({ tagName: 'node@1.0.0', name: 'node 1.0.0', body: 'notes', draft: true, prerelease: false, assets: [] });

    const bytes = Buffer.from('runtime tarball');
    const asset = await gh.uploadAsset(draft, { name: 'node-1.0.0.tar.gz', path: await file(bytes), contentType: 'application/gzip' });
    expect(asset).toMatchObject({ name: 'node-1.0.0.tar.gz', size: bytes.length, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    // A draft has no tag yet: GitHub's browser URL says untagged-… until it is published.
    expect(asset.downloadUrl).toMatch(/\/acme\/rt\/releases\/download\/untagged-[0-9a-f]+\/node-1\.0\.0\.tar\.gz$/);
    expect(s.state.findRelease(draft.id)!.assets[0].contentType).toBe('application/gzip');

    // A draft is listed with its assets, but is no published release. (A create retried after a
    // lost answer on a loaded machine may have left an empty draft besides: GitHub allows it.)
    expect((await gh.listReleasesForTag('node@1.0.0')).find((r) => r.id === draft.id)).toMatchObject({ draft: true, assets: [asset] });
    expect(await gh.getPublishedRelease('node@1.0.0')).toBeUndefined();
    expect(await gh.downloadAsset(asset)).toEqual(bytes);

    const published = await gh.updateRelease(draft.id, { draft: false, makeLatest: true, body: 'final notes' });
    expect(published).toMatchObject({ draft: false, body: 'final notes' });
    expect(await gh.getPublishedRelease('node@1.0.0')).toMatchObject({ id: draft.id, draft: false, assets: [{ id: asset.id, name: asset.name }] });
    expect(published.assets[0].downloadUrl).toBe(`${s.url}/acme/rt/releases/download/node%401.0.0/node-1.0.0.tar.gz`);
    expect(Buffer.from(await (await fetch(published.assets[0].downloadUrl)).arrayBuffer())).toEqual(bytes);

    await gh.deleteAsset(asset.id);
    await gh.deleteAsset(asset.id); // already gone: a no-op
    await gh.deleteRelease(draft.id);
    await gh.deleteRelease(draft.id);
    expect(s.state.findRelease(draft.id)).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  it('lists the drafts of a tag beyond the first page of releases', async () => {
    const { s, gh } = await setup();
    const target = await gh.createRelease({ ...draftInput, tag: 'old@1.0.0' });
    for (let i = 0; i < 101; i++) s.state.releases.push({ ...s.state.releases[0], id: 1000 + i, tagName: `filler@${i}`, assets: [] });
    expect((await gh.listReleasesForTag('old@1.0.0')).map((r) => r.id)).toEqual([target.id]);
    expect(s.violations).toEqual([]);
  });

  it('re-uploading identical content returns the existing asset; different content is a UserError', async () => {
    const { s, gh } = await setup();
    const release = await gh.createRelease(draftInput);
    const path = await file('same bytes');
    const first = await gh.uploadAsset(release, { name: 'a.tar.gz', path });
    expect(await gh.uploadAsset(release, { name: 'a.tar.gz', path })).toEqual(first);
    const other = await file('other bytes');
    await expect(gh.uploadAsset(release, { name: 'a.tar.gz', path: other })).rejects.toThrow(UserError);
    await expect(gh.uploadAsset(release, { name: 'a.tar.gz', path: other })).rejects.toThrow(/already exists on acme\/rt with different content \(sha256:/);
    expect(s.state.releases[0].assets).toHaveLength(1);
    expect(s.violations).toEqual([]);
  });

  it('converges under injected 5xx, 429, 403 rate limits, timeouts and resets with zero violations', async () => {
    const { s, gh } = await setup({ retries: 6 });
    s.setFaults({ rate: 0.3, seed: 3, kinds: ['500', '502', '503', 'rate-limit-429', 'rate-limit-403', 'reset', 'timeout'] });
    const release = await gh.createRelease(draftInput);
    const bytes = Buffer.alloc(256 * 1024, 9);
    const asset = await gh.uploadAsset(release, { name: 'big.bin', path: await file(bytes, 'big.bin') });
    await gh.updateRelease(release.id, { draft: false });
    s.setFaults(undefined);
    expect(await gh.downloadAsset(asset)).toEqual(bytes);
    // A create whose answer was lost and was retried leaves an empty draft besides (GitHub allows
    // several drafts per tag): the release publisher only ever uses the draft whose id it got.
    const published = s.state.releases.filter((r) => !r.draft);
    expect(published.map((r) => r.id)).toEqual([release.id]);
    expect(published[0].assets.map((a) => a.name)).toEqual(['big.bin']);
    expect(s.state.releases.filter((r) => r.draft).every((r) => r.assets.length === 0)).toBe(true);
    expect(s.requests.filter((r) => r.status !== 200 && r.status !== 201 && r.status !== 302).length).toBeGreaterThan(0);
    expect(s.violations).toEqual([]);
  });

  it('retries an upload cut mid-stream by re-sending the whole file', async () => {
    const { s, gh } = await setup();
    const release = await gh.createRelease(draftInput);
    s.setFaults({ next: 2, kinds: ['reset'], match: /^POST .*\/assets$/ });
    const bytes = Buffer.alloc(1024 * 1024, 1);
    const asset = await gh.uploadAsset(release, { name: 'x.bin', path: await file(bytes, 'x.bin') });
    expect(asset.size).toBe(bytes.length);
    expect(s.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/assets')).map((r) => r.status)).toEqual([0, 0, 201]);
    expect(s.violations).toEqual([]);
  });

  it('gives up with a TransientError after the retries, and never shows the token', async () => {
    const { s, gh } = await setup({ retries: 2 });
    s.setFaults({ rate: 1, kinds: ['503'] });
    const err = await gh.createRelease(draftInput).then(() => new Error('expected a failure'), (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain('creating the release node@1.0.0 on acme/rt');
    expect(s.requests).toHaveLength(3);
    expect(JSON.stringify({ message: err.message, stack: err.stack })).not.toContain(TOKEN);
  });

  it('maps a rejected token to a UserError with a fix and no token in it', async () => {
    const { gh } = await setup({ token: 'ghp_WrongTokenValue99' });
    const err = await gh.createRelease(draftInput).then(() => new UserError('expected a failure'), (e: unknown) => e as UserError);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/GitHub 401 while creating the release node@1\.0\.0 on acme\/rt: the token was rejected/);
    expect(err.hint).toContain('GITHUB_TOKEN');
    expect(err.message + err.hint).not.toContain('ghp_WrongTokenValue99');
  });

  it('maps a missing repository to a UserError naming it', async () => {
    server = await startGitHubServer({ owner: 'acme', repo: 'rt', token: TOKEN });
    const gh = createGitHubApi({ token: TOKEN, repository: 'acme/nope', apiUrl: server.apiUrl, timing: { retryAfterBaseMs: 5, writeIntervalMs: 0 } });
    await expect(gh.getDefaultBranch()).rejects.toThrow(/GitHub 404 while reading the repository on acme\/nope/);
    expect(server.violations).toEqual([]);
  });
});
