import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TransientError, UserError } from '@runway/errors';
import { testdir } from '@runway/test-utils';
import { describe, expect, it } from 'vitest';
import { FakeGitHubApi } from './fake-github-api';

const input = { tag: 'node@1.0.0', name: 'node 1.0.0', body: '', draft: true, prerelease: false };

describe('FakeGitHubApi', () => {
  it('records calls, finds drafts by tag and keeps asset bytes', async () => {
    const gh = new FakeGitHubApi();
    const release = await gh.createRelease(input);
    const dir = await testdir({ 'a.tar.gz': 'bytes' });
    const asset = await gh.uploadAsset(release, { name: 'a.tar.gz', path: join(dir, 'a.tar.gz') });
    expect(await gh.findReleaseByTag('node@1.0.0')).toMatchObject({ id: release.id, draft: true, assets: [asset] });
    expect((await gh.downloadAsset(asset)).toString()).toBe('bytes');
    expect(gh.callNames()).toEqual(['createRelease', 'uploadAsset', 'findReleaseByTag', 'downloadAsset']);
  });

  it('returns an identical re-upload and refuses different content, like the real adapter', async () => {
    const gh = new FakeGitHubApi();
    const release = await gh.createRelease(input);
    const dir = await testdir({ 'a.tar.gz': 'one' });
    const path = join(dir, 'a.tar.gz');
    const first = await gh.uploadAsset(release, { name: 'a.tar.gz', path });
    expect(await gh.uploadAsset(release, { name: 'a.tar.gz', path })).toEqual(first);
    await writeFile(path, 'two');
    await expect(gh.uploadAsset(release, { name: 'a.tar.gz', path })).rejects.toThrow(UserError);
  });

  it('failOn makes the next N calls of a method fail, then recovers', async () => {
    const gh = new FakeGitHubApi().failOn('getTagRef', undefined, 2);
    await expect(gh.getTagRef('x')).rejects.toThrow(TransientError);
    await expect(gh.getTagRef('x')).rejects.toThrow(TransientError);
    expect(await gh.getTagRef('x')).toBeUndefined();
    await gh.createTagRef('x', 'a'.repeat(40));
    expect(await gh.getTagRef('x')).toEqual({ sha: 'a'.repeat(40) });
  });

  it('hands out copies so callers cannot mutate its state', async () => {
    const gh = new FakeGitHubApi();
    const r = await gh.createRelease(input);
    r.draft = false;
    expect(gh.releases[0].draft).toBe(true);
  });
});
