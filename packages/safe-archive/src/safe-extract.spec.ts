import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tarBytes, tgzBytes, testdir, type RawTarEntry } from '@runway/test-utils';
import { extractTarball, UnsafeArchiveError, type ExtractedItem, type ExtractOptions } from './safe-extract';

const MiB = 1024 * 1024;
const good: RawTarEntry[] = [{ path: 'py/', type: '5' }, { path: 'py/setup.sh', content: '#!/bin/sh\n', mode: 0o755 }];

/** A gzip member holding `mib` MiB of zeros, compressed from one reused buffer (about 1 KiB per MiB). */
async function zeroMember(mib: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < mib; i++) if (!gzip.write(zeros)) await new Promise((r) => gzip.once('drain', r));
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

/** Yields the chunks one by one and counts how many bytes the extractor actually pulled. */
function counting(chunks: Buffer[]): { source: AsyncIterable<Buffer>; read: () => number } {
  let read = 0;
  return {
    read: () => read,
    source: (async function* () {
      for (const chunk of chunks) {
        read += chunk.length;
        yield chunk;
      }
    })(),
  };
}

async function extract(source: AsyncIterable<Uint8Array> | Buffer, overrides: Partial<ExtractOptions> = {}) {
  const dest = await testdir();
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  const items: ExtractedItem[] = [];
  const result = extractTarball(input, 'py@1.0.0', { dest, topLevel: 'py', maxBytes: 64 * MiB, maxEntries: 1000, onItem: (item) => void items.push(item), ...overrides })
    .then((done) => ({ ...done, items }));
  return { dest, result };
}

describe('extractTarball: what follows the tar end marker', () => {
  it('refuses gigabytes of zeros inflating after the end marker after reading only the first of them', async () => {
    // 4 GiB of zeros in 64 MiB gzip members behind a valid package: gunzip reads on across
    // members, so the extractor has to stop on its own. Before, the tar parser concatenated every
    // chunk after its end marker onto a growing buffer (quadratic: hours for this input).
    const member = await zeroMember(64);
    const chunks = [tgzBytes(good), ...Array.from({ length: 64 }, () => member)];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const { source, read } = counting(chunks);
    const { result } = await extract(source, { maxBytes: 8 * 1024 * MiB });
    await expect(result).rejects.toThrowError(UnsafeArchiveError);
    await expect(result).rejects.toThrowError(/more than 1048576 bytes follow the end of the tar archive/);
    expect(read()).toBeLessThan(4 * member.length);
    expect(total).toBeGreaterThan(60 * member.length);
  });

  it('refuses more than a record of data after the end marker, zeros or not', async () => {
    const hidden = gzipSync(Buffer.concat([tarBytes(good), Buffer.from('not padding'), Buffer.alloc(2 * 1024 * 1024)]));
    await expect((await extract(hidden)).result).rejects.toThrowError(/more than 1048576 bytes follow the end of the tar archive/);
  });

  it('accepts the zero padding tar writes up to its record size', async () => {
    const padded = gzipSync(Buffer.concat([tarBytes(good), Buffer.alloc(20 * 512)]));
    const { result } = await extract(padded);
    await expect(result).resolves.toMatchObject({ items: [{ path: 'setup.sh' }] });
  });

  it('counts the download itself against the size cap', async () => {
    const { source, read } = counting([tgzBytes(good), ...Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024))]);
    const { result } = await extract(source, { maxBytes: 256 * 1024 });
    await expect(result).rejects.toThrowError(/download is larger than the 262144-byte size cap/);
    expect(read()).toBeLessThan(1024 * 1024);
  });
});

describe('extractTarball: modes', () => {
  it('installs world- and group-writable entries without group/world write, and records the applied modes', async () => {
    const { dest, result } = await extract(tgzBytes([
      { path: 'py/', type: '5', mode: 0o777 }, { path: 'py/open', content: 'x', mode: 0o666 }, { path: 'py/tool', content: 'x', mode: 0o777 },
      { path: 'py/shared/', type: '5', mode: 0o775 }, { path: 'py/unreadable', content: 'x', mode: 0o000 }, { path: 'py/private', content: 'x', mode: 0o600 },
    ]));
    const { items } = await result;
    const mode = async (p: string) => ((await lstat(join(dest, 'py', p))).mode & 0o7777).toString(8);
    expect(await Promise.all(['.', 'open', 'tool', 'shared', 'unreadable', 'private'].map(mode))).toEqual(['755', '644', '755', '755', '400', '600']);
    expect(items.map((i) => `${i.path} ${i.mode.toString(8)}`)).toEqual(['open 644', 'tool 755', 'shared 755', 'unreadable 400', 'private 600']);
  });
});

describe('extractTarball: entries handed to onItem, not kept', () => {
  it('reports each entry once with its final mode: a folder left implicit at its later entry, or at the end', async () => {
    const { result } = await extract(tgzBytes([
      { path: 'py/a/b/one', content: '1' }, { path: 'py/a/', type: '5', mode: 0o700 }, { path: 'py/c/two', content: '2' },
    ]));
    const { items, entries } = await result;
    expect(items.map((i) => `${i.type} ${i.path} ${i.mode.toString(8)}`)).toEqual(['file a/b/one 644', 'dir a 700', 'file c/two 644', 'dir a/b 755', 'dir c 755']);
    expect(entries).toBe(5);
  });

  it('describes a hardlink by its source file as written, a link to a link too', async () => {
    const { result } = await extract(tgzBytes([
      ...good, { path: 'py/big', content: 'payload', mode: 0o700 }, { path: 'py/l1', type: '1', linkpath: 'py/big' }, { path: 'py/l2', type: '1', linkpath: 'py/l1' },
    ]));
    const { items } = await result;
    const big = items.find((i) => i.path === 'big')!;
    expect(big).toMatchObject({ type: 'file', mode: 0o700, size: 7 });
    expect(items.filter((i) => i.type === 'hardlink')).toEqual([
      { path: 'l1', type: 'hardlink', mode: 0o700, size: 7, sha256: big.sha256, target: 'big' },
      { path: 'l2', type: 'hardlink', mode: 0o700, size: 7, sha256: big.sha256, target: 'l1' },
    ]);
  });

  it('reads a hardlink source once per inode: a chain of links does not hash the file again for each link', async () => {
    const dest = await testdir();
    const items: ExtractedItem[] = [];
    const entries = [...good, { path: 'py/big', content: 'payload' }, { path: 'py/l1', type: '1', linkpath: 'py/big' }, { path: 'py/l2', type: '1', linkpath: 'py/l1' }, { path: 'py/l3', type: '1', linkpath: 'py/big' }];
    await extractTarball(Readable.from([tgzBytes(entries)]), 'py@1.0.0', {
      dest, topLevel: 'py', maxBytes: MiB, maxEntries: 100,
      // Once the first link is described, the shared inode's content changes: a link described by
      // reading the file again would show the new content's sha256.
      onItem: async (item) => {
        items.push(item);
        if (item.path === 'l1') await writeFile(join(dest, 'py/big'), 'changed');
      },
    });
    const original = items.find((i) => i.path === 'big')!.sha256;
    expect(items.filter((i) => i.type === 'hardlink').map((i) => [i.path, i.sha256])).toEqual([['l1', original], ['l2', original], ['l3', original]]);
  });

  it('refuses a folder declared twice, like a file', async () => {
    const { result } = await extract(tgzBytes([...good, { path: 'py/d/', type: '5' }, { path: 'py/d/', type: '5', mode: 0o700 }]));
    await expect(result).rejects.toThrowError(/entry "py\/d\/" appears twice/);
  });

  it('stops at the first entry onItem refuses, with its error', async () => {
    const { result } = await extract(tgzBytes([...good, { path: 'py/x', content: 'x' }]), {
      onItem: (item) => { if (item.path === 'setup.sh') throw new UnsafeArchiveError('py@1.0.0', 'no setup.sh here'); },
    });
    await expect(result).rejects.toThrowError(/no setup.sh here/);
  });
});

describe('extractTarball: bounded names, clean refusals', () => {
  it.each([
    ['a path longer than 4096 bytes', [...good, { path: 'PaxHeader', type: 'x', content: paxRecord('path', `py/${'d/'.repeat(2100)}f`) }, { path: 'py/f', content: 'x' }], /is longer than 4096 bytes/],
    ['a name longer than 255 bytes', [...good, { path: 'PaxHeader', type: 'x', content: paxRecord('path', `py/${'n'.repeat(300)}`) }, { path: 'py/f', content: 'x' }], /has a name longer than 255 bytes/],
    ['a symlink target longer than 4095 bytes', [...good, { path: 'PaxHeader', type: 'x', content: paxRecord('linkpath', 'a/'.repeat(2100)) }, { path: 'py/l', type: '2', linkpath: 'x' }], /target longer than 4095 bytes/],
  ] as Array<[string, RawTarEntry[], RegExp]>)('refuses %s as an UnsafeArchiveError', async (_label, entries, message) => {
    const { result } = await extract(tgzBytes(entries));
    await expect(result).rejects.toThrowError(UnsafeArchiveError);
    await expect(result).rejects.toThrowError(message);
  });

  it('escapes control characters of entry names in its refusals', async () => {
    const { result } = await extract(tgzBytes([...good, { path: '../\x1b[2J\nerror: forged', content: 'x' }]));
    const err: Error = await result.catch((e) => e);
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    expect(err.message).toContain('"../\\x1b[2J\\nerror: forged" escapes with ".."');
    expect(err.message).not.toMatch(/[\x00-\x1f]/);
  });

  it('reports a destination it cannot write to as a UserError, not a crash', async () => {
    const dest = join(await testdir(), 'missing');
    const err = await extractTarball(Readable.from([tgzBytes(good)]), 'py@1.0.0', { dest, topLevel: 'py', maxBytes: MiB, maxEntries: 10 }).catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toMatch(/a folder on the path does not exist/);
    await mkdir(dest);
    expect(await readdir(dest)).toEqual([]);
  });
});

/** One PAX record, `<len> <key>=<value>\n`, where len counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len++;
  return `${len}${body}`;
}
