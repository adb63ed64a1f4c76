import { lstat, mkdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { packTarball } from '@runway/pack';
import { testdir } from '@runway/test-utils';
import { normalizeRootfs } from './normalize-rootfs';

describe('normalizeRootfs', () => {
  it('makes every link chroot-relative, drops special files, keeps the rest, and the packer accepts the tree', async () => {
    const root = await testdir({ 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2': 'loader', 'etc/alternatives/.keep': '', 'usr/bin/python3.11': 'py' });
    await symlink('usr/lib', join(root, 'lib'));
    await mkdir(join(root, 'usr/lib64'));
    await symlink('/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', join(root, 'usr/lib64/ld-linux-x86-64.so.2'));
    await symlink('/usr/bin/python3.11', join(root, 'etc/alternatives/python'));
    await symlink('../../../../../etc/passwd', join(root, 'usr/lib/escape'));
    await execa('mkfifo', [join(root, 'etc/fifo')]);

    const result = await normalizeRootfs(root);
    expect(result).toEqual({ rewrittenLinks: 3, removed: ['etc/fifo'], topLevel: ['etc', 'lib', 'tmp', 'usr'] });
    expect(await readlink(join(root, 'lib'))).toBe('usr/lib');
    expect(await readlink(join(root, 'usr/lib64/ld-linux-x86-64.so.2'))).toBe('../../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
    expect(await readlink(join(root, 'etc/alternatives/python'))).toBe('../../usr/bin/python3.11');
    expect(await readlink(join(root, 'usr/lib/escape'))).toBe('../../etc/passwd');
    expect((await lstat(join(root, 'tmp'))).isDirectory()).toBe(true);
    // The rewritten links still lead to the same files, now without leaving the tree.
    expect((await lstat(join(root, 'usr/lib64/ld-linux-x86-64.so.2'))).isSymbolicLink()).toBe(true);
    await expect(execa('cat', [join(root, 'usr/lib64/ld-linux-x86-64.so.2')])).resolves.toMatchObject({ stdout: 'loader' });
    // The packer refuses any link the client's extractor would refuse: the tree packs.
    const packed = await packTarball({ sourceDir: root, prefix: 'isolated', outFile: join(await testdir(), 'isolated.tar.gz'), hashFiles: true });
    expect(packed.files!.map((f) => f.path).sort()).toEqual(['isolated/etc/alternatives/.keep', 'isolated/usr/bin/python3.11', 'isolated/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2']);
  });
});
