import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { testdir } from '@runway/test-utils';
import { packTarball } from './index';
import { listArchive, runtimeFiles } from './testing/archive';

describe('packTarball', () => {
  it('writes sorted entries under one top-level folder, owned 0/0 without names, modes normalised', async () => {
    const dir = await testdir(runtimeFiles);
    const out = await testdir();
    const result = await packTarball({ sourceDir: dir, prefix: 'demo', outFile: join(out, 'demo.tar.gz'), mtime: 1_700_000_000 });

    const entries = await listArchive(result.path);
    const long = `demo/deep/${'long-folder-name-'.repeat(8)}/`;
    expect(entries.map((e) => e.path)).toEqual([
      'demo/', 'demo/deep/', long, `${long}file.txt`,
      'demo/lib/', 'demo/lib/B.txt', 'demo/lib/a-b/', 'demo/lib/a-b/c.txt', 'demo/lib/a.d/', 'demo/lib/a.d/z.txt', 'demo/lib/a.txt',
      'demo/manifest.yaml', 'demo/setup-ubuntu-amd64.sh', 'demo/setup.sh',
    ]);
    for (const e of entries) {
      expect(e, e.path).toMatchObject({ uid: 0, gid: 0, uname: '', gname: '', mtime: 1_700_000_000 });
      const executable = e.type === 'Directory' || e.path.endsWith('.sh');
      expect(e.mode, e.path).toBe(executable ? 0o755 : 0o644);
    }

    // The system tools agree: standard gzip, standard tar, numeric owners, the right content.
    await execa('gunzip', ['-t', result.path]);
    const { stdout } = await execa('tar', ['-tvzf', result.path], { env: { TZ: 'UTC' } });
    expect(stdout.split('\n')[0]).toMatch(/^drwxr-xr-x 0\/0 +0 2023-11-14 22:13 demo\/$/);
    const extracted = await testdir();
    await execa('tar', ['-xzf', result.path, '-C', extracted]);
    expect(await readFile(join(extracted, 'demo/lib/a.txt'), 'utf8')).toBe('a\n');
    // The gzip header names no file and no time, and pins the OS byte to Unix.
    const head = (await readFile(result.path)).subarray(0, 10);
    expect([...head]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  });

  it('stores a multi-member gzip stream that gunzip and tar read back byte for byte', async () => {
    // 9 MiB spans three 4 MiB compression chunks; random data so each chunk is really filled.
    const big = randomBytes(9 * 1024 * 1024 + 123);
    const dir = await testdir({ 'blob.bin': big, 'text.txt': 'hello\n'.repeat(1000) });
    const out = await testdir();
    const result = await packTarball({ sourceDir: dir, prefix: 'big', outFile: join(out, 'big.tar.gz') });
    const again = await packTarball({ sourceDir: dir, prefix: 'big', outFile: join(out, 'again.tar.gz') });
    expect(again.sha256).toBe(result.sha256);

    await execa('gunzip', ['-t', result.path]);
    const extracted = await testdir();
    await execa('tar', ['-xzf', result.path, '-C', extracted]);
    expect((await readFile(join(extracted, 'big/blob.bin'))).equals(big)).toBe(true);
    expect(await readFile(join(extracted, 'big/text.txt'), 'utf8')).toBe('hello\n'.repeat(1000));
  });

  it('with hashFiles lists every regular file packed with its sha256, and the archive bytes stay the same', async () => {
    // 5 MiB crosses a 4 MiB chunk boundary, so the file is hashed in slices from two chunk buffers.
    const blob = randomBytes(5 * 1024 * 1024 + 7);
    const dir = await testdir({ 'data/blob.bin': blob, 'setup.sh': { content: '#!/bin/sh\n', mode: 0o755 }, 'empty.txt': '' });
    await symlink('setup.sh', join(dir, 'link.sh'));
    const out = await testdir();
    const plain = await packTarball({ sourceDir: dir, prefix: 'demo', outFile: join(out, 'plain.tar.gz') });
    const hashed = await packTarball({ sourceDir: dir, prefix: 'demo', outFile: join(out, 'hashed.tar.gz'), hashFiles: true });
    const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
    expect(hashed.sha256).toBe(plain.sha256);
    expect(plain.files).toBeUndefined();
    expect(hashed.files).toEqual([
      { path: 'demo/data/blob.bin', sha256: sha(blob), size: blob.length },
      { path: 'demo/empty.txt', sha256: sha(''), size: 0 },
      { path: 'demo/setup.sh', sha256: sha('#!/bin/sh\n'), size: 10 },
    ]);
  });

  it('stores symlinks that stay inside the project as symlinks', async () => {
    const dir = await testdir({ 'bin/tool': { content: '#!/bin/sh\n', mode: 0o755 } });
    await symlink('bin/tool', join(dir, 'tool'));
    await symlink('../bin', join(dir, 'bin/self'));
    const out = await testdir();
    const result = await packTarball({ sourceDir: dir, prefix: 'links', outFile: join(out, 'links.tar.gz') });
    const links = (await listArchive(result.path)).filter((e) => e.type === 'SymbolicLink');
    expect(links.map((e) => [e.path, e.linkpath, e.mode])).toEqual([
      ['links/bin/self', '../bin', 0o777],
      ['links/tool', 'bin/tool', 0o777],
    ]);
  });

  it.each([
    ['an absolute target', '/etc/passwd'],
    ['a target above the project', '../../outside.txt'],
    // Even when it would land inside again: after extraction the folder has another name.
    ['a target that leaves and re-enters the project folder', '../../demo/sub/file.txt'],
    // Stays inside once normalised, but the client's extractor refuses ".." after a descent: the
    // packer applies the same rule, so what it packs always installs.
    ['a target that climbs after descending', '../sub/../file.txt'],
  ])('refuses a symlink with %s and leaves no file behind', async (_, target) => {
    const dir = await testdir({ 'sub/file.txt': 'x' });
    await symlink(target, join(dir, 'sub/link'));
    const out = await testdir();
    const packing = packTarball({ sourceDir: dir, prefix: 'demo', outFile: join(out, 'demo.tar.gz') });
    await expect(packing).rejects.toBeInstanceOf(UserError);
    await expect(packing).rejects.toThrow(/sub\/link -> .*: a link must stay inside the project/);
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses an archive folder name with a slash', async () => {
    const dir = await testdir({ 'a.txt': 'a' });
    await expect(packTarball({ sourceDir: dir, prefix: 'a/b', outFile: join(dir, '..', 'x.tar.gz') })).rejects.toThrow(/invalid archive folder name/);
  });
});
