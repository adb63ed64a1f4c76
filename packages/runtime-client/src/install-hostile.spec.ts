import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { installRuntime, type InstallRequest } from './install-runtime';
import { readReceipt } from './install-receipt';
import { UnsafeArchiveError } from '@runway/safe-archive';
import { tarBytes, tgzBytes, testdir, type RawTarEntry } from '@runway/test-utils';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function listAll(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(root)) {
    const full = join(root, name);
    out.push(relative(root, full));
    if ((await lstat(full)).isDirectory()) out.push(...(await listAll(full)).map((p) => `${name}/${p}`));
  }
  return out.sort();
}

/** Installs `bytes` as py@1.0.0 from a file URL into `<tmp>/home/rt`, with room for escapes to land in `<tmp>`. */
async function installBytes(bytes: Buffer, overrides: Partial<InstallRequest> = {}) {
  const root = await testdir({ 'home/rt/.keep': '' });
  const pkg = join(root, 'py-1.0.0.tar.gz');
  await writeFile(pkg, bytes);
  const dir = join(root, 'home', 'rt');
  const result = installRuntime({
    name: 'py', version: '1.0.0', url: pathToFileURL(pkg).href, checksum: sha256(bytes), size: bytes.length, dir,
    maxBytes: 1024 * 1024, maxEntries: 1000, idleTimeoutMs: 5000, logger: memoryLogger(), now: () => new Date(0), retry: { attempts: 1 },
    ...overrides,
  });
  return { root, dir, result };
}

/** One PAX record, `<len> <key>=<value>\n`, where len counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len++;
  return `${len}${body}`;
}

const file = (path: string, content = 'x', mode?: number): RawTarEntry => ({ path, content, mode });
const dirEntry = (path: string, mode?: number): RawTarEntry => ({ path, type: '5', mode });
const good: RawTarEntry[] = [dirEntry('py/'), file('py/setup.sh', '#!/bin/sh\n', 0o755)];

const hostile: Array<[string, Buffer, RegExp, Partial<InstallRequest>?]> = [
  ['a ../ entry', tgzBytes([...good, file('../evil')]), /"\.\.\/evil" escapes with "\.\."/],
  ['a nested ../ escape', tgzBytes([...good, file('py/../../evil')]), /escapes with "\.\."/],
  ['a sibling-prefix escape', tgzBytes([...good, file('../rt-evil/x'), file('../py-evil/x')]), /escapes with "\.\."/],
  ['a sibling top-level folder', tgzBytes([...good, file('py-evil/x')]), /outside the top-level folder "py\/"/],
  ['an absolute path', tgzBytes([...good, file('/tmp/runway-abs-evil')]), /absolute path/],
  ['a file written through an inside symlink', tgzBytes([...good, dirEntry('py/sub/'), { path: 'py/link', type: '2', linkpath: 'sub' }, file('py/link/x')]), /written through the symlink "py\/link"/],
  ['a symlink out of the tree, then a file through it', tgzBytes([...good, { path: 'py/out', type: '2', linkpath: '../../..' }, file('py/out/evil')]), /symlink "py\/out" -> "\.\.\/\.\.\/\.\." points outside/],
  ['an absolute symlink', tgzBytes([...good, { path: 'py/etc', type: '2', linkpath: '/etc' }]), /points outside/],
  ['a symlink chain climbing through another link', tgzBytes([...good, { path: 'py/a', type: '2', linkpath: '.' }, { path: 'py/b', type: '2', linkpath: 'a/../..' }]), /symlink "py\/b" -> "a\/\.\.\/\.\." points outside/],
  ['a symlink to the parent of the top-level folder', tgzBytes([...good, { path: 'py/up', type: '2', linkpath: '..' }]), /points outside/],
  ['a hardlink pointing outside', tgzBytes([...good, { path: 'py/h', type: '1', linkpath: '../../../etc/passwd' }]), /hardlink "py\/h" -> "\.\.\/\.\.\/\.\.\/etc\/passwd" points outside/],
  ['an absolute hardlink', tgzBytes([...good, { path: 'py/h', type: '1', linkpath: '/etc/passwd' }]), /points outside/],
  ['a hardlink to a directory', tgzBytes([...good, dirEntry('py/d/'), { path: 'py/h', type: '1', linkpath: 'py/d' }]), /does not point to a file extracted earlier/],
  ['a hardlink to a symlink', tgzBytes([...good, { path: 'py/s', type: '2', linkpath: 'setup.sh' }, { path: 'py/h', type: '1', linkpath: 'py/s' }]), /does not point to a file extracted earlier/],
  ['a hardlink through a symlink', tgzBytes([...good, dirEntry('py/d/'), file('py/d/f'), { path: 'py/s', type: '2', linkpath: 'd' }, { path: 'py/h', type: '1', linkpath: 'py/s/f' }]), /does not point to a file extracted earlier/],
  ['a hardlink to a file not yet extracted', tgzBytes([...good, { path: 'py/h', type: '1', linkpath: 'py/later' }, file('py/later')]), /does not point to a file extracted earlier/],
  ['a folder at a file\'s path', tgzBytes([...good, dirEntry('py/setup.sh/')]), /"py\/setup.sh\/?" appears twice/],
  ['a symlink at a file\'s path', tgzBytes([...good, { path: 'py/setup.sh', type: '2', linkpath: 'x' }]), /"py\/setup.sh" appears twice/],
  ['a character device', tgzBytes([...good, { path: 'py/tty', type: '3' }]), /is a CharacterDevice/],
  ['a block device', tgzBytes([...good, { path: 'py/sda', type: '4' }]), /is a BlockDevice/],
  ['a fifo', tgzBytes([...good, { path: 'py/pipe', type: '6' }]), /is a FIFO/],
  ['a setuid file', tgzBytes([...good, file('py/suid', 'x', 0o4755)]), /setuid\/setgid\/sticky bits \(mode 4755\)/],
  ['a setgid directory', tgzBytes([...good, dirEntry('py/g/', 0o2755)]), /setuid\/setgid\/sticky/],
  ['a sticky directory', tgzBytes([...good, dirEntry('py/tmp/', 0o1777)]), /setuid\/setgid\/sticky/],
  ['a gzip bomb beyond the size cap', tgzBytes([...good, file('py/zeros', Buffer.alloc(3 * 1024 * 1024) as unknown as string)]), /unpacks to more than 1048576 bytes/],
  ['a declared size beyond the cap', tgzBytes([...good, { path: 'py/huge', content: 'x', size: 8 * 1024 ** 3 }]), /unpacks to more than|not a valid tar archive/],
  ['a truncated gzip stream', tgzBytes(good).subarray(0, 40), /gzip stream is truncated|not a gzip/],
  ['bytes that are not gzip', Buffer.from('this is not an archive at all, just some text that is long enough'), /not a gzip-compressed tarball/],
  ['an empty archive', gzipSync(Buffer.alloc(1024)), /the archive is empty/],
  ['an empty gzip stream', gzipSync(Buffer.alloc(0)), /the archive is empty/],
  ['only an empty top-level folder', tgzBytes([dirEntry('py/')]), /the "py\/" folder is empty/],
  ['no top-level folder', tgzBytes([file('setup.sh'), file('README.md')]), /"setup\.sh" is outside the top-level folder "py\/"/],
  ['two top-level folders', tgzBytes([...good, file('other/setup.sh')]), /"other\/setup\.sh" is outside the top-level folder/],
  ['the wrong top-level name', tgzBytes([file('python/setup.sh')]), /outside the top-level folder "py\/"/],
  ['a file in place of the top-level folder', tgzBytes([file('py', 'not a folder')]), /"py" must be the top-level folder, but it is a File/],
  ['a symlink in place of the top-level folder', tgzBytes([{ path: 'py', type: '2', linkpath: '/tmp' }, file('py/x')]), /must be the top-level folder/],
  ['a duplicate entry (overwrite trick)', tgzBytes([...good, file('py/setup.sh', 'evil')]), /appears twice/],
  ['a path through a file', tgzBytes([...good, file('py/setup.sh/x')]), /which is not a directory/],
  ['a PAX path header escaping', tgzBytes([...good, { path: 'PaxHeader', type: 'x', content: paxRecord('path', '../pax-evil') }, file('py/innocent')]), /"\.\.\/pax-evil" escapes/],
  ['a GNU long name escaping', tgzBytes([...good, { path: '././@LongLink', type: 'L', content: `py/${'../'.repeat(40)}gnu-evil\0` }, file('py/innocent')]), /escapes with "\.\."/],
  ['too many entries', tgzBytes([...good, ...Array.from({ length: 20 }, (_, i) => file(`py/f${i}`))]), /more than 10 entries/, { maxEntries: 10 }],
];

describe('installing hostile or broken archives', () => {
  it('covers at least 20 cases', () => expect(hostile.length).toBeGreaterThanOrEqual(20));

  it.each(hostile)('refuses %s, writing nothing outside staging and leaving no staging', async (_label, bytes, message, overrides) => {
    const { root, dir, result } = await installBytes(bytes, overrides);
    await expect(result).rejects.toThrowError(message);
    await expect(result).rejects.toBeInstanceOf(Error);
    expect(await listAll(dir)).toEqual(['.keep']);
    expect(await listAll(root)).toEqual(['home', 'home/rt', 'home/rt/.keep', 'py-1.0.0.tar.gz']);
  });

  it.each([
    ['a checksum mismatch', { checksum: `sha256:${'0'.repeat(64)}` }, /checksum mismatch: the registry lists sha256:0+, the download has sha256:[0-9a-f]{64}/],
    ['a download larger than listed', { size: 100 }, /larger than the 100 bytes the registry lists/],
    ['a download smaller than listed', { size: 1_000_000 }, /size mismatch: the registry lists 1000000 bytes, the download has \d+/],
  ] as const)('refuses %s before anything is renamed into place', async (_label, overrides, message) => {
    const { dir, result } = await installBytes(tgzBytes(good), overrides);
    await expect(result).rejects.toThrowError(UnsafeArchiveError);
    await expect(result).rejects.toThrowError(message);
    expect(await listAll(dir)).toEqual(['.keep']);
  });

  it('installs a well-formed archive with inside links and modes intact', async () => {
    const bytes = tgzBytes([
      ...good, dirEntry('py/bin/'), file('py/bin/tool', 'tool', 0o750), { path: 'py/current', type: '2', linkpath: 'bin/tool' },
      { path: 'py/bin/tool2', type: '1', linkpath: 'py/bin/tool' }, { path: 'py/bin/up', type: '2', linkpath: '../setup.sh' },
    ]);
    const { dir, result } = await installBytes(bytes);
    const { outcome, path } = await result;
    expect(outcome).toBe('installed');
    expect(path).toBe(join(dir, 'py-1.0.0'));
    expect(await readFile(join(path, 'current'), 'utf8')).toBe('tool');
    expect(await readlink(join(path, 'bin/up'))).toBe('../setup.sh');
    expect((await lstat(join(path, 'bin/tool'))).mode & 0o7777).toBe(0o750);
    expect((await lstat(join(path, 'bin/tool2'))).nlink).toBe(2);
    const { files } = (await readReceipt(path))!;
    expect(files.map((f) => `${f.type} ${f.path}`)).toEqual(['dir .', 'file setup.sh', 'dir bin', 'file bin/tool', 'symlink current', 'hardlink bin/tool2', 'symlink bin/up']);
    expect(files.find((f) => f.path === 'bin/tool2')).toEqual({ ...files.find((f) => f.path === 'bin/tool'), path: 'bin/tool2', type: 'hardlink', target: 'bin/tool' });
    expect(await listAll(dir)).toEqual(['.keep', 'py-1.0.0', 'py-1.0.0/.runway-install.json', 'py-1.0.0/bin', 'py-1.0.0/bin/tool', 'py-1.0.0/bin/tool2', 'py-1.0.0/bin/up', 'py-1.0.0/current', 'py-1.0.0/setup.sh']);
  });

  it('accepts an uncompressed size just under the cap', async () => {
    const { result } = await installBytes(tgzBytes([...good, file('py/data', 'y'.repeat(1000))]), { maxBytes: 8 * 1024 });
    await expect(result).resolves.toMatchObject({ outcome: 'installed' });
    expect(tarBytes(good).length).toBeLessThan(8 * 1024);
  });
});
