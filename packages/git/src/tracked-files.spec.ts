import { randomBytes } from 'node:crypto';
import { chmod, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { testdir } from '@runway/test-utils';
import { ignoredByGit, listTrackedEntries, openBlobReader, readBlobs } from './tracked-files';

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };

/** A repository holding `runtimes/demo` (one executable, one plain file, a link, a nested file) committed, plus stray files. */
async function repo() {
  const root = await testdir({
    '.gitignore': '*.log\n',
    'runtimes/demo/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    'runtimes/demo/lib/a.txt': 'a\n',
    'runtimes/demo-other/x.txt': 'not in demo\n',
  });
  await symlink('setup.sh', join(root, 'runtimes/demo/run.sh'));
  const git = async (...args: string[]) => (await execa('git', args, { cwd: root, env })).stdout;
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'one');
  // Never tracked: an ignored log and an untracked secret.
  await writeFile(join(root, 'runtimes/demo/debug.log'), 'noise\n');
  await writeFile(join(root, 'runtimes/demo/.env'), 'TOKEN=x\n');
  return { root, dir: join(root, 'runtimes/demo'), git };
}

const shape = (entries: { path: string; mode: string }[]) => entries.map((e) => `${e.mode} ${e.path}`);

describe('listTrackedEntries', () => {
  it('lists exactly what git tracks in the folder, with git modes, from the index and from a commit', async () => {
    const { dir, root, git } = await repo();
    const expected = ['100644 lib/a.txt', '120000 run.sh', '100755 setup.sh'];
    expect(shape(await listTrackedEntries(dir, 'index'))).toEqual(expected);
    const head = await git('rev-parse', 'HEAD');
    const fromCommit = await listTrackedEntries(dir, { commit: head });
    expect(shape(fromCommit)).toEqual(expected);
    expect(fromCommit.find((e) => e.path === 'lib/a.txt')!.size).toBe(2);

    // Staged changes show in the index only; the commit keeps what it has.
    await chmod(join(dir, 'lib/a.txt'), 0o755);
    await git('add', 'runtimes/demo/lib/a.txt');
    await git('update-index', '--chmod=-x', 'runtimes/demo/setup.sh');
    expect(shape(await listTrackedEntries(dir, 'index'))).toEqual(['100755 lib/a.txt', '120000 run.sh', '100644 setup.sh']);
    expect(shape(await listTrackedEntries(dir, { commit: head }))).toEqual(expected);

    // A commit is read from the object store: the folder may be gone from the working tree.
    await rm(dir, { recursive: true });
    expect(shape(await listTrackedEntries(dir, { commit: head }))).toEqual(expected);
    expect(await listTrackedEntries(join(root, 'runtimes/none'), 'index')).toEqual([]);
  });

  it('refuses with a UserError outside a repository, for a commit without the folder, and for a conflicted index', async () => {
    const plain = await testdir({ 'p/a.txt': 'a' });
    await expect(listTrackedEntries(join(plain, 'p'), 'index')).rejects.toThrow(/is not inside a git repository/);
    const { dir, root, git } = await repo();
    await expect(listTrackedEntries(join(root, 'runtimes/nope'), { commit: 'HEAD' })).rejects.toThrow(/commit HEAD does not contain/);
    await expect(listTrackedEntries(dir, { commit: 'f'.repeat(40) })).rejects.toBeInstanceOf(UserError);

    const blob = await git('hash-object', '-w', 'runtimes/demo/lib/a.txt');
    await execa('git', ['update-index', '--index-info'], { cwd: root, env, input: `0 ${'0'.repeat(40)}\truntimes/demo/lib/a.txt\n100644 ${blob} 1\truntimes/demo/lib/a.txt\n100644 ${blob} 2\truntimes/demo/lib/a.txt\n` });
    await expect(listTrackedEntries(dir, 'index')).rejects.toThrow(/lib\/a\.txt has an unresolved merge conflict/);
  });
});

describe('ignoredByGit', () => {
  it('names the ignored ones among untracked files', async () => {
    const { dir } = await repo();
    expect(await ignoredByGit(dir, ['debug.log', '.env'])).toEqual(new Set(['debug.log']));
    expect(await ignoredByGit(dir, ['.env'])).toEqual(new Set());
  });
});

describe('openBlobReader', () => {
  it('streams many blobs through one git process, in slices of any size', async () => {
    const { root, git } = await repo();
    const big = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(join(root, 'big.bin'), big);
    const ids = [await git('hash-object', '-w', 'big.bin'), await git('hash-object', '-w', '.gitignore'), await git('hash-object', '-w', 'big.bin')];
    const reader = openBlobReader(root, ids);
    const readAll = async (size: number, slice: number) => {
      const out = Buffer.alloc(size);
      for (let at = 0, n; (n = await reader.read(out, at, Math.min(slice, size - at))) > 0;) at += n;
      return out;
    };
    expect(await reader.next(ids[0])).toBe(big.length);
    expect((await readAll(big.length, 1000)).equals(big)).toBe(true);
    expect(await reader.next(ids[1])).toBe(6);
    // Half read: the next blob still starts in the right place.
    expect((await readAll(3, 3)).toString()).toBe('*.l');
    expect(await reader.next(ids[2])).toBe(big.length);
    expect((await readAll(big.length, 1 << 20)).equals(big)).toBe(true);
    await reader.close();

    expect((await readBlobs(root, ids.slice(1, 2))).map(String)).toEqual(['*.log\n']);
    // Read only after git has long finished (a small blob fits the pipe): its output is still there.
    const late = openBlobReader(root, ids.slice(1, 2));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await late.next(ids[1])).toBe(6);
    await late.close();
    // Stopping early (a refused package) does not leave git waiting on a full pipe.
    const early = openBlobReader(root, ids);
    expect(await early.next(ids[0])).toBe(big.length);
    await early.close();
  });
});
