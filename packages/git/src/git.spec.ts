import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { commitFile, fetchBranchTip, isRejectedPush, pushCommit, readFileAt } from '.';

const identity = { name: 'Runway Test', email: 'test@runway.invalid' };
const env = { ...process.env, GIT_AUTHOR_NAME: identity.name, GIT_AUTHOR_EMAIL: identity.email, GIT_COMMITTER_NAME: identity.name, GIT_COMMITTER_EMAIL: identity.email };

async function clonePair() {
  const bare = await testdir();
  const work = await testdir({ 'README.md': 'hi\n' });
  const git = (cwd: string, args: string[]) => execa('git', args, { cwd, env });
  await git(bare, ['init', '-q', '--bare', '-b', 'main']);
  await git(work, ['init', '-q', '-b', 'main']);
  await git(work, ['add', '-A']);
  await git(work, ['commit', '-q', '-m', 'initial']);
  await git(work, ['remote', 'add', 'origin', bare]);
  await git(work, ['push', '-q', 'origin', 'main']);
  return { bare, work, git };
}

describe('@runway/git', () => {
  it('commits a file onto the fetched tip without touching the working tree, and detects a moved branch', async () => {
    const { bare, work, git } = await clonePair();
    const tip = (await fetchBranchTip(work, 'origin', 'main'))!;
    expect(await readFileAt(work, tip, 'registry.json')).toBeUndefined();
    const a = await commitFile(work, { parent: tip, path: 'registry.json', content: '{"a":1}\n', message: 'a', identity });
    const b = await commitFile(work, { parent: tip, path: 'registry.json', content: '{"b":1}\n', message: 'b', identity });
    expect(await pushCommit(work, 'origin', a, 'main')).toBe('pushed');
    expect(await pushCommit(work, 'origin', b, 'main')).toBe('rejected');
    expect((await git(bare, ['cat-file', 'blob', 'main:registry.json'])).stdout).toBe('{"a":1}');
    expect(await readFileAt(work, (await fetchBranchTip(work, 'origin', 'main'))!, 'registry.json')).toBe('{"a":1}\n');
    expect((await git(work, ['status', '--porcelain'])).stdout).toBe('');
    expect((await git(work, ['for-each-ref', 'refs/runway'])).stdout).toBe('');
    expect(await fetchBranchTip(work, 'origin', 'nope')).toBeUndefined();
  });

  it('fetching the tip leaves the remote-tracking ref alone, so concurrent fetches cannot race on it', async () => {
    const { bare, work, git } = await clonePair();
    await git(work, ['fetch', '-q', 'origin']);
    const tracked = (await git(work, ['rev-parse', 'refs/remotes/origin/main'])).stdout;
    // Another clone moves the branch, as a concurrent release would.
    const other = await testdir();
    await git(other, ['clone', '-q', bare, '.']);
    await git(other, ['commit', '-q', '--allow-empty', '-m', 'moved']);
    await git(other, ['push', '-q', 'origin', 'main']);
    const moved = (await git(other, ['rev-parse', 'HEAD'])).stdout;
    expect(await fetchBranchTip(work, 'origin', 'main')).toBe(moved);
    expect((await git(work, ['rev-parse', 'refs/remotes/origin/main'])).stdout).toBe(tracked);
  });

  it.each([
    [' ! [rejected]        abc -> main (fetch first)', true],
    ['error: cannot lock ref \'refs/heads/main\'', true],
    ['fatal: Authentication failed', false],
  ])('isRejectedPush(%s) → %s', (output, expected) => expect(isRejectedPush(output)).toBe(expected));
});
