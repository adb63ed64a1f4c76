import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { UserError } from '@runway/errors';
import {
  commitDate, commitFiles, createLocalTag, fetchBranchTip, GitCommandError, isRejectedPush, localTagCommit, localTagCommits, mapGitFailure, pushCommit, pushTagAt,
  readFileAt, readFilesAt, remoteRefsContaining, remoteTagCommit, remoteTagCommits, resolveCommit, runGit,
} from '.';

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
    const a = await commitFiles(work, { parent: tip, files: [{ path: 'registry.json', content: '{"a":1}\n' }], message: 'a', identity });
    const b = await commitFiles(work, { parent: tip, files: [{ path: 'registry.json', content: '{"b":1}\n' }], message: 'b', identity });
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

  it('makes the same commit for the same parent, files and date, whoever runs it', async () => {
    const { work, git } = await clonePair();
    const head = (await git(work, ['rev-parse', 'HEAD'])).stdout;
    const input = { parent: head, files: [{ path: 'a/m.yaml', content: 'version: 2\n' }, { path: 'b.sh', content: '#!/bin/sh\n', mode: '100755' as const }], message: 'm', identity, date: await commitDate(work, head) };
    const first = await commitFiles(work, input);
    expect(await commitFiles(work, input)).toBe(first);
    const read = await readFilesAt(work, first, ['a/m.yaml', 'b.sh', 'README.md', 'missing']);
    expect(Object.fromEntries(read)).toEqual({
      'a/m.yaml': { mode: '100644', content: 'version: 2\n' }, 'b.sh': { mode: '100755', content: '#!/bin/sh\n' }, 'README.md': { mode: '100644', content: 'hi\n' },
    });
    expect((await git(work, ['status', '--porcelain'])).stdout).toBe('');
  });

  it('creates a local tag once, pushes it at a commit, and reports where an existing tag points', async () => {
    const { bare, work, git } = await clonePair();
    const head = (await git(work, ['rev-parse', 'HEAD'])).stdout;
    const other = await commitFiles(work, { parent: head, files: [{ path: 'x', content: 'x' }], message: 'x', identity });
    expect(await localTagCommit(work, 'py@1.0.0')).toBeUndefined();
    expect(await createLocalTag(work, 'py@1.0.0', head)).toBe('created');
    expect(await createLocalTag(work, 'py@1.0.0', other)).toEqual({ existing: head });
    expect(await remoteTagCommit(work, 'origin', 'py@1.0.0')).toBeUndefined();
    expect(await pushTagAt(work, 'origin', 'py@1.0.0', head)).toBe('pushed');
    expect((await git(bare, ['rev-parse', 'py@1.0.0^{commit}'])).stdout).toBe(head);
    expect(await pushTagAt(work, 'origin', 'py@1.0.0', other)).toEqual({ existing: head });
    // An annotated tag is read through to its commit.
    await git(work, ['tag', '-a', '-m', 'note', 'v1.0.0', head]);
    expect(await pushTagAt(work, 'origin', 'v1.0.0', head)).toBe('pushed');
    expect(await remoteTagCommit(work, 'origin', 'v1.0.0')).toBe(head);
    // Every tag at once, the annotated one peeled (its tag object is not the commit).
    expect((await git(work, ['rev-parse', 'v1.0.0'])).stdout).not.toBe(head);
    expect(await remoteTagCommits(work, 'origin')).toEqual({ 'py@1.0.0': head, 'v1.0.0': head });
    expect(await pushTagAt(work, 'origin', 'v1.0.0', other, { force: true })).toBe('pushed');
    expect(await remoteTagCommit(work, 'origin', 'v1.0.0')).toBe(other);
    expect(await remoteTagCommits(work, 'origin')).toEqual({ 'py@1.0.0': head, 'v1.0.0': other });
    expect(await localTagCommits(work)).toEqual({ 'py@1.0.0': head, 'v1.0.0': head });
    // Offline: which remote-tracking branches contain a commit.
    expect(await remoteRefsContaining(work, 'origin', head)).toEqual(['refs/remotes/origin/main']);
    expect(await remoteRefsContaining(work, 'origin', other)).toEqual([]);
  });

  it('turns git failures into user errors that say where and what git said', async () => {
    const dir = await testdir();
    const err = await resolveCommit(dir, 'HEAD').catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`${dir} is not a git repository`);
    // runGit keeps git's raw failure for callers with their own wording; the adapter maps it.
    const raw = await runGit(dir, ['log']).catch((e) => e);
    const failed = mapGitFailure(raw, dir, ['log']) as GitCommandError;
    expect(failed).toBeInstanceOf(GitCommandError);
    expect(failed).toBeInstanceOf(UserError);
    expect(failed.message).toMatch(/^git log failed in .*: fatal: not a git repository/);
    expect(failed.exitStatus).toBe(128);
    const missing = await runGit(`${dir}/missing`, ['status']).catch((e) => mapGitFailure(e, `${dir}/missing`, ['status']));
    expect(missing).toMatchObject({ name: 'UserError', message: `cannot run git in ${dir}/missing: the folder does not exist` });
    expect(mapGitFailure(new TypeError('a bug'), dir, ['log'])).toBeInstanceOf(TypeError);
  });

  it.each([
    [' ! [rejected]        abc -> main (fetch first)', true],
    ['error: cannot lock ref \'refs/heads/main\'', true],
    ['fatal: Authentication failed', false],
  ])('isRejectedPush(%s) → %s', (output, expected) => expect(isRejectedPush(output)).toBe(expected));
});
