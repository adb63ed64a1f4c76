import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { fetchBranchTip } from './refs';
import { classifyBranchSync, compareCommits, remoteDefaultBranch, worktreeChanges } from './worktree-status';

const ident = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };

async function cloneWithOrigin(): Promise<{ dir: string; git: (args: string[]) => Promise<string> }> {
  const origin = await testdir();
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  const dir = await testdir({ 'a.txt': 'a\n' });
  const git = async (args: string[]) => (await execa('git', args, { cwd: dir, env: { ...process.env, ...ident } })).stdout;
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'one']);
  await git(['remote', 'add', 'origin', origin]);
  await git(['push', '-q', '-u', 'origin', 'main']);
  return { dir, git };
}

describe('classifyBranchSync', () => {
  it.each([
    [0, 0, { state: 'up-to-date' }],
    [0, 2, { state: 'behind', behind: 2 }],
    [3, 0, { state: 'ahead', ahead: 3 }],
    [1, 1, { state: 'diverged', ahead: 1, behind: 1 }],
  ])('ahead %i, behind %i', (ahead, behind, expected) => expect(classifyBranchSync(ahead, behind)).toEqual(expected));
});

describe('worktree status against a bare origin', () => {
  it('reports uncommitted and untracked files', async () => {
    const { dir } = await cloneWithOrigin();
    expect(await worktreeChanges(dir)).toEqual([]);
    await writeFile(join(dir, 'a.txt'), 'changed\n');
    await writeFile(join(dir, 'new.txt'), 'x\n');
    expect(await worktreeChanges(dir)).toEqual([' M a.txt', '?? new.txt']);
  });

  it('knows the remote default branch and whether HEAD is ahead, behind or diverged', async () => {
    const { dir, git } = await cloneWithOrigin();
    expect(await remoteDefaultBranch(dir, 'origin')).toBe('main');
    const pushed = await git(['rev-parse', 'HEAD']);
    await git(['commit', '-q', '--allow-empty', '-m', 'local']);
    const tip = (await fetchBranchTip(dir, 'origin', 'main'))!;
    expect(await compareCommits(dir, 'HEAD', tip)).toEqual({ state: 'ahead', ahead: 1 });
    expect(await compareCommits(dir, pushed, tip)).toEqual({ state: 'up-to-date' });
  });
});
