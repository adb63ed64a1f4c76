import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { testdir, type FixtureFile } from '@runway/test-utils';
import { buildPackage, type BuildPackageOptions } from './index';
import { listArchive, runtimeFiles } from './testing/archive';

const identity = { GIT_AUTHOR_NAME: 'Runway Test', GIT_AUTHOR_EMAIL: 'test@runway.invalid', GIT_COMMITTER_NAME: 'Runway Test', GIT_COMMITTER_EMAIL: 'test@runway.invalid' };

/** A git repository whose commit holds `files` under `runtimes/demo/`, with `.gitignore` ignoring `*.log`. */
async function repo(files: Record<string, FixtureFile> = runtimeFiles) {
  const root = await testdir({ '.gitignore': '*.log\n', ...Object.fromEntries(Object.entries(files).map(([p, f]) => [`runtimes/demo/${p}`, f])) });
  const git = async (...args: string[]) => (await execa('git', args, { cwd: root, env: { ...process.env, ...identity } })).stdout;
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'demo');
  return { root, dir: join(root, 'runtimes/demo'), git, head: await git('rev-parse', 'HEAD') };
}

/** Builds `dir` into a fresh folder; `source` defaults to the working tree. */
async function build(dir: string, source: BuildPackageOptions['source'] = 'working-tree', extra: Partial<BuildPackageOptions> = {}) {
  return buildPackage({ projectDir: dir, name: 'demo', version: '1.2.3', outDir: await testdir(), source, ...extra });
}

const pathsIn = async (file: string) => (await listArchive(file)).map((e) => e.path);
const modesIn = async (file: string) => Object.fromEntries((await listArchive(file)).map((e) => [e.path, e.mode.toString(8)]));

describe('buildPackage', () => {
  it('gives the same bytes for two clones with other paths, mtimes and permission bits, from the working tree and from the commit', async () => {
    const a = await repo();
    const elsewhere = await testdir();
    await execa('git', ['clone', '-q', a.root, join(elsewhere, 'other-name')]);
    const dirB = join(elsewhere, 'other-name/runtimes/demo');
    // What another clock and another umask (077 vs 022) leave behind; git's modes stay the same.
    await utimes(join(dirB, 'lib/a.txt'), new Date('2001-02-03'), new Date('2001-02-03'));
    await chmod(join(dirB, 'lib/B.txt'), 0o600);
    await chmod(join(dirB, 'lib'), 0o700);
    await chmod(join(dirB, 'setup.sh'), 0o700);

    const one = await build(a.dir);
    const packs = [await build(dirB), await build(a.dir, { commit: a.head }), await build(dirB, { commit: a.head })];
    for (const other of packs) expect(other.sha256).toBe(one.sha256);
    expect(await readFile(packs[0].path)).toEqual(await readFile(one.path));
    expect(one.fileName).toBe('demo-1.2.3.tar.gz');
    expect(await readFile(one.sha256File, 'utf8')).toBe(`${one.sha256}  demo-1.2.3.tar.gz\n`);
    await execa('sha256sum', ['-c', 'demo-1.2.3.tar.gz.sha256'], { cwd: join(one.path, '..') });
    // Only the tarball and its checksum: no temp files left behind.
    expect((await readdir(join(one.path, '..'))).sort()).toEqual(['demo-1.2.3.tar.gz', 'demo-1.2.3.tar.gz.sha256']);
    expect(await modesIn(one.path)).toMatchObject({ 'demo/setup.sh': '755', 'demo/setup-ubuntu-amd64.sh': '755', 'demo/lib/B.txt': '644', 'demo/lib/': '755' });
  });

  it('packs exactly what git tracks: an ignored log and an untracked .env never reach the package, a force-added file does', async () => {
    const { dir, git, head } = await repo();
    const clean = await build(dir);
    await writeFile(join(dir, 'debug.log'), 'stray log\n');
    await writeFile(join(dir, '.env'), 'GITHUB_TOKEN=ghp_secret\n');
    await writeFile(join(dir, 'lib/notes.txt'), 'untracked\n');
    for (const source of ['working-tree', { commit: head }] as const) {
      const packed = await build(dir, source);
      expect(packed.sha256).toBe(clean.sha256);
      expect((await pathsIn(packed.path)).filter((p) => /debug\.log|\.env|notes/.test(p))).toEqual([]);
    }
    await git('add', '-f', 'runtimes/demo/debug.log');
    expect(await pathsIn((await build(dir)).path)).toContain('demo/debug.log');
  });

  it('takes every mode from git, whatever the disk says', async () => {
    const { dir, git, head } = await repo({ ...runtimeFiles, 'tool.sh': { content: '#!/bin/sh\n', mode: 0o644 } });
    await chmod(join(dir, 'lib/a.txt'), 0o755); // executable on disk only
    await git('update-index', '--chmod=+x', 'runtimes/demo/tool.sh'); // executable in git only
    const modes = await modesIn((await build(dir)).path);
    expect(modes).toMatchObject({ 'demo/lib/a.txt': '644', 'demo/tool.sh': '755' });
    // The commit has neither change.
    expect(await modesIn((await build(dir, { commit: head })).path)).toMatchObject({ 'demo/lib/a.txt': '644', 'demo/tool.sh': '644' });
  });

  it('packs a commit from git alone: later edits, deletions, even a missing folder change nothing', async () => {
    const { dir, git, head } = await repo();
    const before = await build(dir, { commit: head });
    await writeFile(join(dir, 'setup.sh'), '#!/bin/sh\necho edited\n');
    await git('update-index', '--chmod=+x', 'runtimes/demo/lib/a.txt');
    await git('rm', '-q', 'runtimes/demo/lib/B.txt');
    expect((await build(dir)).sha256).not.toBe(before.sha256 /* the working tree does see them */);
    await rm(dir, { recursive: true });
    expect((await build(dir, { commit: head })).sha256).toBe(before.sha256);
  });

  it('gives the commit\'s bytes from a clean working tree, with symlinks and multi-chunk files, and lists the same files', async () => {
    const blob = randomBytes(9 * 1024 * 1024 + 5);
    const { dir, git } = await repo({ ...runtimeFiles, 'data/blob.bin': blob, 'empty.txt': '' });
    await symlink('setup.sh', join(dir, 'run.sh'));
    await symlink('../lib/a.txt', join(dir, 'data/a.txt'));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'links and data');
    const head = await git('rev-parse', 'HEAD');
    const fromTree = await build(dir, 'working-tree', { hashFiles: true });
    const fromCommit = await build(dir, { commit: head }, { hashFiles: true });
    expect(fromCommit.sha256).toBe(fromTree.sha256);
    expect(fromCommit.files).toEqual(fromTree.files);
    expect(fromTree.files!.find((f) => f.path === 'demo/data/blob.bin')!.size).toBe(blob.length);
    const links = (await listArchive(fromCommit.path)).filter((e) => e.type === 'SymbolicLink').map((e) => [e.path, e.linkpath]);
    expect(links).toEqual([['demo/data/a.txt', '../lib/a.txt'], ['demo/run.sh', 'setup.sh']]);
    const extracted = await testdir();
    await execa('tar', ['-xzf', fromCommit.path, '-C', extracted]);
    expect((await readFile(join(extracted, 'demo/data/blob.bin'))).equals(blob)).toBe(true);
  });

  it('changes the bytes with SOURCE_DATE_EPOCH, and rejects a malformed epoch', async () => {
    const { dir } = await repo();
    const base = await build(dir);
    expect((await build(dir, 'working-tree', { sourceDateEpoch: '' })).sha256).toBe(base.sha256);
    expect((await build(dir, 'working-tree', { sourceDateEpoch: '1700000000' })).sha256).not.toBe(base.sha256);
    await expect(build(dir, 'working-tree', { sourceDateEpoch: '2024-01-01' })).rejects.toThrow(/SOURCE_DATE_EPOCH must be whole seconds/);
  });

  it('refuses a committed link that the extractor would refuse, before writing anything', async () => {
    const { dir, git } = await repo();
    // Stays inside once normalised, but climbs after descending: the client's extractor refuses it.
    await symlink('../lib/../setup.sh', join(dir, 'lib/back'));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'link');
    const head = await git('rev-parse', 'HEAD');
    for (const source of ['working-tree', { commit: head }] as const) {
      const outDir = await testdir();
      const packing = buildPackage({ projectDir: dir, name: 'demo', version: '1.2.3', outDir, source });
      await expect(packing).rejects.toBeInstanceOf(UserError);
      await expect(packing).rejects.toThrow(/lib\/back -> \.\.\/lib\/\.\.\/setup\.sh: a link must stay inside the project/);
      expect(await readdir(outDir)).toEqual([]);
    }
  });

  it.each([
    ['outside a git repository', async () => join(await testdir({ 'demo/setup.sh': '#!/bin/sh\n' }), 'demo'), /is not inside a git repository/],
    ['with nothing tracked (a new project before "git add")', async () => {
      const { root } = await repo();
      await mkdir(join(root, 'runtimes/fresh'));
      await writeFile(join(root, 'runtimes/fresh/setup.sh'), '#!/bin/sh\n');
      return join(root, 'runtimes/fresh');
    }, /git tracks no files in .*runtimes\/fresh/],
    ['with a submodule', async () => {
      const { dir, git, head } = await repo();
      await git('update-index', '--add', '--cacheinfo', `160000,${head},runtimes/demo/vendor`);
      return dir;
    }, /vendor: it is a git submodule/],
    ['with a tracked file missing from the working tree', async () => {
      const { dir } = await repo();
      await unlink(join(dir, 'lib/a.txt'));
      return dir;
    }, /lib\/a\.txt is tracked by git as a file but is missing in the working tree/],
    ['with a tracked folder replaced by a symlink on disk', async () => {
      const { dir } = await repo();
      const elsewhere = await testdir({ 'a.txt': 'not the project\n', 'B.txt': 'x', 'a-b/c.txt': 'c', 'a.d/z.txt': 'z' });
      await rm(join(dir, 'lib'), { recursive: true });
      await symlink(elsewhere, join(dir, 'lib'));
      return dir;
    }, /runtimes\/demo\/lib holds files git tracks but is not a folder in the working tree/],
  ])('refuses a working-tree build %s with a UserError', async (_, setUp, message) => {
    const dir = await setUp();
    const building = build(dir);
    await expect(building).rejects.toBeInstanceOf(UserError);
    await expect(building).rejects.toThrow(message);
  });
});
