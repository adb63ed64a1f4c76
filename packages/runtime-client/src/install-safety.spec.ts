import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { memoryLogger } from '@runway/log';
import { httpServer, testdir, tgzBytes, type RawTarEntry } from '@runway/test-utils';
import { RECEIPT_FILE } from './install-receipt';
import { defaultDownloadDeadlineMs, installRuntime, type InstallRequest } from './install-runtime';
import { installedVersions, removeRuntime, verifyRuntime } from './manage-installed';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const base = (top: string): RawTarEntry[] => [{ path: `${top}/`, type: '5' }, { path: `${top}/setup.sh`, content: 'echo ok\n', mode: 0o755 }];

/** Installs `entries` (a package whose top-level folder is `name`) from a file URL into `dir`. */
async function install(dir: string, name: string, version: string, entries: RawTarEntry[], overrides: Partial<InstallRequest> = {}) {
  const bytes = tgzBytes(entries);
  const file = join(await testdir(), `${name}-${version}.tar.gz`);
  await writeFile(file, bytes);
  return installRuntime({
    name, version, url: pathToFileURL(file).href, checksum: sha256(bytes), size: bytes.length, dir,
    maxBytes: 1024 * 1024, maxEntries: 100, idleTimeoutMs: 2000, logger: memoryLogger(), now: () => new Date(0), retry: { attempts: 1 },
    ...overrides,
  });
}

describe('the install receipt', () => {
  it('refuses a package that plants the receipt itself (here as a link to setup.sh)', async () => {
    const dir = await testdir();
    const result = install(dir, 'py', '1.0.0', [...base('py'), { path: `py/${RECEIPT_FILE}`, type: '2', linkpath: 'setup.sh' }]);
    await expect(result).rejects.toThrowError(`refusing py@1.0.0: the package contains ${RECEIPT_FILE}, the name of runway's install receipt`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('is written without following a link the package planted at a temporary name', async () => {
    const dir = await testdir();
    const { path } = await install(dir, 'py', '1.0.0', [...base('py'), { path: `py/${RECEIPT_FILE}.tmp`, type: '2', linkpath: 'setup.sh' }]);
    expect(await readFile(join(path, 'setup.sh'), 'utf8')).toBe('echo ok\n');
    expect((await lstat(join(path, RECEIPT_FILE))).isFile()).toBe(true);
    expect(JSON.parse(await readFile(join(path, RECEIPT_FILE), 'utf8'))).toMatchObject({ name: 'py', version: '1.0.0' });
    expect(await verifyRuntime(dir, 'py', '1.0.0')).toMatchObject({ ok: true });
  });
});

describe('modes', () => {
  it('installs world-writable files and folders without group/world write, and verify accepts them', async () => {
    const dir = await testdir();
    const { path } = await install(dir, 'py', '1.0.0', [{ path: 'py/', type: '5', mode: 0o777 }, { path: 'py/bin/', type: '5', mode: 0o777 }, { path: 'py/bin/tool', content: 'x', mode: 0o777 }, { path: 'py/data', content: 'x', mode: 0o666 }]);
    const mode = async (p: string) => ((await lstat(join(path, p))).mode & 0o777).toString(8);
    expect([await mode('.'), await mode('bin'), await mode('bin/tool'), await mode('data')]).toEqual(['755', '755', '755', '644']);
    expect(await verifyRuntime(dir, 'py', '1.0.0')).toMatchObject({ ok: true });
  });
});

describe('one folder per name and version', () => {
  it('keeps py-1.0.0@1.0.0 and py@1.0.0-1.0.0 apart: removing one leaves the other intact', async () => {
    const dir = await testdir();
    const a = await install(dir, 'py-1.0.0', '1.0.0', base('py-1.0.0'));
    const b = await install(dir, 'py', '1.0.0-1.0.0', [...base('py'), { path: 'py/other', content: 'b' }]);
    expect(a.path).toBe(join(dir, 'py-1.0.0-1.0.0'));
    expect(b.path).toBe(join(dir, 'py@1.0.0-1.0.0'));
    expect(await installedVersions(dir, 'py')).toEqual(['1.0.0-1.0.0']);
    expect(await installedVersions(dir, 'py-1.0.0')).toEqual(['1.0.0']);
    await removeRuntime(dir, 'py', '1.0.0-1.0.0');
    expect(await readdir(dir)).toEqual(['py-1.0.0-1.0.0']);
    expect(await verifyRuntime(dir, 'py-1.0.0', '1.0.0')).toMatchObject({ ok: true });
  });

  it('acts only on what the receipt says was installed there', async () => {
    const dir = await testdir();
    const { path } = await install(dir, 'py', '1.0.0', base('py'));
    const receipt = JSON.parse(await readFile(join(path, RECEIPT_FILE), 'utf8'));
    await writeFile(join(path, RECEIPT_FILE), JSON.stringify({ ...receipt, name: 'other', version: '2.0.0' }));
    const refusal = /holds other@2\.0\.0 according to its install receipt, not py@1\.0\.0/;
    await expect(removeRuntime(dir, 'py', '1.0.0')).rejects.toThrowError(refusal);
    await expect(verifyRuntime(dir, 'py', '1.0.0')).rejects.toThrowError(refusal);
    await expect(install(dir, 'py', '1.0.0', base('py'))).rejects.toThrowError(refusal);
    expect(await readdir(dir)).toEqual(['py-1.0.0']);
  });

  it('refuses to remove a folder without a receipt, which runway did not (finish to) install', async () => {
    const dir = await testdir();
    await mkdir(join(dir, 'py-1.0.0', 'bin'), { recursive: true });
    await expect(removeRuntime(dir, 'py', '1.0.0')).rejects.toThrowError(/has no install receipt/);
    expect(await readdir(dir)).toEqual(['py-1.0.0']);
  });
});

describe('environment mistakes', () => {
  it('reports an install root below a file as a UserError naming the path', async () => {
    const root = await testdir({ file: 'x' });
    const err = await install(join(root, 'file', 'rt'), 'py', '1.0.0', base('py')).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/a part of the path is a file, not a folder/);
  });
});

describe('download bounds', () => {
  it.each([[0, 60_000], [32 * 1024, 61_000], [100_000_000, 3_112_000], [4 * 1024 ** 3, 3_600_000], [1e15, 3_600_000]])(
    'the default deadline for a %d-byte package is %d ms', (size, ms) => expect(defaultDownloadDeadlineMs(size)).toBe(ms));

  it('fails a trickling package download at the overall deadline', async () => {
    const pkg = tgzBytes(base('py'));
    const server = await httpServer((_req, res) => {
      res.writeHead(200);
      let sent = 0;
      const drip = setInterval(() => res.write(pkg.subarray(sent, ++sent)), 50);
      res.on('close', () => clearInterval(drip));
    });
    const dir = await testdir();
    const result = installRuntime({
      name: 'py', version: '1.0.0', url: `${server.url}/py.tar.gz`, checksum: sha256(pkg), size: pkg.length, dir,
      maxBytes: 1024 * 1024, maxEntries: 10, idleTimeoutMs: 5000, deadlineMs: 500, logger: memoryLogger(), now: () => new Date(0),
      retry: { attempts: 5, baseDelayMs: 1 },
    });
    await expect(result).rejects.toThrowError(/^GET http:\/\/127\.0\.0\.1:\d+\/py\.tar\.gz did not complete within 500 ms$/);
    expect(server.requests.length).toBeLessThanOrEqual(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a package file that is not a regular file instead of reading it forever', async () => {
    const dir = await testdir();
    const err = await installRuntime({
      name: 'py', version: '1.0.0', url: 'file:///dev/zero', checksum: `sha256:${'a'.repeat(64)}`, size: 10, dir,
      maxBytes: 1024, maxEntries: 10, idleTimeoutMs: 2000, logger: memoryLogger(), now: () => new Date(0),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('package file /dev/zero is not a regular file');
  });
});

describe('remove and verify in a folder that is not there', () => {
  it.each([['a missing folder', ['missing', 'rt']], ['a folder below a file', ['file', 'rt']]])('say "not installed" for %s, without making a lock file', async (_label, parts) => {
    const root = await testdir({ file: 'x' });
    const dir = join(root, ...parts);
    await expect(removeRuntime(dir, 'py', '1.0.0')).rejects.toThrowError(`py@1.0.0 is not installed in ${dir}`);
    await expect(verifyRuntime(dir, 'py', '1.0.0')).rejects.toThrowError(`py@1.0.0 is not installed in ${dir}`);
    expect((await readdir(root)).sort()).toEqual(['file']);
  });
});
