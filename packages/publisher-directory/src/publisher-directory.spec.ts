import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { sha256File } from '@runway/pack';
import { testdir } from '@runway/test-utils';
import { addToDirectoryRegistry, publishFiles, releasePath } from '.';

const now = new Date('2026-01-01T00:00:00Z');
const entry = (checksum: string) => ({ version: '1.0.0', description: 'x', download_url: 'releases/download/x@1.0.0/x-1.0.0.tar.gz', checksum, size: 3, platforms: ['ubuntu-amd64'] });

describe('publisher-directory', () => {
  it('keeps an identical file and refuses a different one under the same tag', async () => {
    const src = await testdir({ 'a.tar.gz': 'one', 'b.tar.gz': 'two' });
    const dir = await testdir();
    const one = { name: 'x-1.0.0.tar.gz', path: join(src, 'a.tar.gz'), sha256: (await sha256File(join(src, 'a.tar.gz'))).sha256 };
    expect(await publishFiles(dir, 'x@1.0.0', [one])).toEqual([{ name: 'x-1.0.0.tar.gz', outcome: 'copied' }]);
    expect(await publishFiles(dir, 'x@1.0.0', [one])).toEqual([{ name: 'x-1.0.0.tar.gz', outcome: 'unchanged' }]);
    const two = { ...one, path: join(src, 'b.tar.gz'), sha256: (await sha256File(join(src, 'b.tar.gz'))).sha256 };
    await expect(publishFiles(dir, 'x@1.0.0', [two])).rejects.toThrow(UserError);
    expect(await readFile(join(dir, releasePath('x@1.0.0', 'x-1.0.0.tar.gz')), 'utf8')).toBe('one');
  });

  it('never writes an entry whose file is missing', async () => {
    const dir = await testdir();
    await expect(addToDirectoryRegistry(dir, 'x', entry(`sha256:${'a'.repeat(64)}`), [releasePath('x@1.0.0', 'x-1.0.0.tar.gz')], now)).rejects.toThrow(/is missing/);
  });

  it('refuses to rewrite a registry holding an invalid entry, leaving the file as it was', async () => {
    const dir = await testdir({ 'releases/download/x@1.0.0/x-1.0.0.tar.gz': 'one' });
    const broken = `${JSON.stringify({ version: '1', updated_at: '2025-01-01T00:00:00Z', runtimes: { old: { '0.1.0': { ...entry('md5:x'), version: '0.1.0' } } } }, null, 2)}\n`;
    await writeFile(join(dir, 'registry.json'), broken);
    await expect(addToDirectoryRegistry(dir, 'x', entry(`sha256:${'a'.repeat(64)}`), ['releases/download/x@1.0.0/x-1.0.0.tar.gz'], now))
      .rejects.toThrow(/1 invalid entry; refusing to rewrite it/);
    expect(await readFile(join(dir, 'registry.json'), 'utf8')).toBe(broken);
  });
});
