import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onTestFinished, describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { startGitHubServer, type GitHubServer } from '@runway/github-server';
import { memoryLogger } from '@runway/log';
import { testdir } from '@runway/test-utils';
import { createGitHubApi } from './octokit-github-api';
import { publishRelease, type LocalReleaseAsset, type ReleaseToPublish } from './publish-release';

const TOKEN = 'ghs_publishReleaseToken123';

async function setup(): Promise<{ s: GitHubServer; commit: string; api: () => ReturnType<typeof createGitHubApi> }> {
  const s = await startGitHubServer({ owner: 'acme', repo: 'rt', token: TOKEN });
  onTestFinished(() => s.close());
  const commit = await s.git.commit({ files: { 'README.md': 'x' } });
  const api = () => createGitHubApi({ token: TOKEN, repository: 'acme/rt', apiUrl: s.apiUrl, retries: 4, timing: { retryAfterBaseMs: 1, writeIntervalMs: 0, requestTimeoutMs: 5_000 } });
  return { s, commit, api };
}

async function asset(name: string, content: string): Promise<LocalReleaseAsset> {
  const path = join(await testdir(), name);
  await writeFile(path, content);
  return { name, path, sha256: createHash('sha256').update(content).digest('hex'), size: Buffer.byteLength(content) };
}

async function release(commit: string, content: string, extra: Partial<ReleaseToPublish> = {}): Promise<ReleaseToPublish> {
  return { tag: 'py@1.0.0', commit, name: 'py@1.0.0', body: `built from commit ${commit}`, prerelease: false, assets: [await asset('py-1.0.0.tar.gz', content), await asset('py-1.0.0.tar.gz.sha256', `${content} sum`)], ...extra };
}

describe('publishRelease', () => {
  it('publishes this run\'s draft at the commit, then finds it identical; other bytes under the tag are refused', async () => {
    const { s, commit, api } = await setup();
    const input = await release(commit, 'one');
    expect((await publishRelease(api(), input, memoryLogger())).status).toBe('published');
    expect(s.state.releases).toMatchObject([{ tagName: 'py@1.0.0', draft: false, targetCommitish: commit }]);
    // Published, GitHub created the tag at target_commitish (this commit), in the bare repository.
    expect(await s.git.revParse('refs/tags/py@1.0.0^{commit}')).toBe(commit);
    expect((await publishRelease(api(), input, memoryLogger())).status).toBe('unchanged');
    await expect(publishRelease(api(), await release(commit, 'two'), memoryLogger())).rejects.toThrow('release py@1.0.0 is already published with different content: py-1.0.0.tar.gz differs');
    expect(s.state.releases).toHaveLength(1);
    s.assertNoViolations();
  });

  it('adopts a draft that already holds exactly these bytes, and never uploads into any other draft', async () => {
    const { s, commit, api } = await setup();
    const gh = api();
    const input = await release(commit, 'one');
    // A complete identical draft (an interrupted run) and a draft holding other bytes (a racing run).
    const complete = await gh.createRelease({ tag: 'py@1.0.0', name: 'py@1.0.0', body: '', draft: true, prerelease: false, targetCommitish: commit });
    for (const a of input.assets) await gh.uploadAsset(complete, a);
    const other = await gh.createRelease({ tag: 'py@1.0.0', name: 'py@1.0.0', body: '', draft: true, prerelease: false, targetCommitish: commit });
    await gh.uploadAsset(other, await asset('py-1.0.0.tar.gz', 'two'));
    const outcome = await publishRelease(gh, input, memoryLogger());
    expect(outcome).toMatchObject({ status: 'published', release: { id: complete.id } });
    expect(s.state.findRelease(other.id)?.assets.map((a) => a.data.toString())).toEqual(['two']);
    expect(s.state.releases.filter((r) => !r.draft).map((r) => r.id)).toEqual([complete.id]);
    s.assertNoViolations();
  });

  it('of concurrent publications of one tag with different bytes exactly one wins; each loser deletes only its own draft', async () => {
    const { s, commit, api } = await setup();
    const inputs = await Promise.all(['one', 'two', 'one', 'two'].map((c) => release(commit, c)));
    const results = await Promise.allSettled(inputs.map((input) => publishRelease(api(), input, memoryLogger())));
    const [winner] = s.state.releases.filter((r) => !r.draft);
    const won = winner.assets.find((a) => a.name === 'py-1.0.0.tar.gz')!.data.toString();
    for (const [i, result] of results.entries()) {
      const content = i % 2 === 0 ? 'one' : 'two';
      if (content === won) expect(result.status).toBe('fulfilled');
      else {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(UserError);
        expect(reason.message).toMatch(/py@1\.0\.0 (was published meanwhile by another release with different content; this run's draft was deleted|is already published with different content)/);
      }
    }
    // Nothing of a loser is left, and the winner holds only its own bytes.
    expect(s.state.releases.filter((r) => r.draft).flatMap((r) => r.assets.map((a) => a.data.toString())).filter((c) => c !== won && c !== `${won} sum`)).toEqual([]);
    expect(winner.assets.map((a) => a.data.toString()).sort()).toEqual([won, `${won} sum`]);
    s.assertNoViolations();
  });

  it('replaces a published release of a rolling tag, deleting it just before its successor is published', async () => {
    const { s, commit, api } = await setup();
    await publishRelease(api(), await release(commit, 'one', { tag: 'v0.1-test', name: 'v0.1-test' }), memoryLogger());
    const [old] = s.state.releases;
    const next = await s.git.commit({ files: { 'README.md': 'y' } });
    await s.git.git(['update-ref', 'refs/tags/v0.1-test', next]);
    const outcome = await publishRelease(api(), await release(next, 'two', { tag: 'v0.1-test', name: 'v0.1-test', replace: true }), memoryLogger());
    expect(outcome.status).toBe('published');
    expect(s.state.releases.map((r) => r.id)).not.toContain(old.id);
    expect(s.state.releases.filter((r) => !r.draft)).toHaveLength(1);
    s.assertNoViolations();
  });
});
