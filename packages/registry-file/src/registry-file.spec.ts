import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { addEntry, emptyRegistry } from '@runway/registry';
import { readRegistry, writeRegistry } from './registry-file';

const now = new Date('2025-03-01T00:00:00Z');
const entry = { version: '1.0.0', description: 'd', download_url: 'a.tar.gz', checksum: `sha256:${'c'.repeat(64)}`, size: 3, platforms: ['ubuntu-amd64'] };

describe('readRegistry / writeRegistry', () => {
  it('writes canonical text through a temp file and reads it back', async () => {
    const dir = await testdir({ 'registry.json': 'old' });
    const file = join(dir, 'registry.json');
    const { registry } = addEntry(emptyRegistry(now), 'py', entry, now);
    await writeRegistry(file, registry);
    expect(await readdir(dir)).toEqual(['registry.json']);
    expect((await readRegistry(file)).registry).toEqual(registry);
    const before = await readFile(file, 'utf8');
    await writeRegistry(file, addEntry((await readRegistry(file)).registry, 'py', entry, new Date()).registry);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('leaves the old file when the write fails', async () => {
    const dir = await testdir({ 'registry.json': 'old' });
    await expect(writeRegistry(join(dir, 'missing-dir', 'registry.json'), emptyRegistry(now))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['registry.json']);
  });

  it('explains a missing file', async () => {
    const dir = await testdir();
    await expect(readRegistry(join(dir, 'registry.json'))).rejects.toThrow(/does not exist/);
    await writeFile(join(dir, 'x.json'), '{');
    await expect(readRegistry(join(dir, 'x.json'))).rejects.toThrow(/x\.json:1:2: registry is not valid JSON/);
  });
});
