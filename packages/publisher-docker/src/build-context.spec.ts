import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { testdir } from '@runway/test-utils';
import { dockerfileWithLabels, listContextFiles, packBuildContext } from './build-context';

async function sha256(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('build context', () => {
  it('lists files and folders in byte order and packs the same bytes whatever the mtimes', async () => {
    const dir = await testdir({ 'b.txt': 'b', 'a/Z.txt': 'z', 'a/a.txt': 'a', Dockerfile: 'FROM scratch\n' });
    await mkdir(join(dir, 'a/empty'));
    expect(await listContextFiles(dir)).toEqual(['Dockerfile', 'a', 'a/Z.txt', 'a/a.txt', 'a/empty', 'b.txt']);
    const first = await sha256(await packBuildContext(dir));
    await utimes(join(dir, 'b.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(await sha256(await packBuildContext(dir))).toBe(first);
    const out = await mkdtemp(join(tmpdir(), 'context-out-'));
    try {
      await pipeline(await packBuildContext(dir), extract({ cwd: out }));
      expect(await readdir(join(out, 'a/empty'))).toEqual([]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('sends replaced files instead of the folder\'s, first, without touching the folder', async () => {
    const dir = await testdir({ 'b.txt': 'b', 'docker/Dockerfile': 'FROM scratch\n' });
    const out = await mkdtemp(join(tmpdir(), 'context-out-'));
    try {
      await pipeline(await packBuildContext(dir, { './docker/Dockerfile': 'FROM scratch\nLABEL a="b"\n' }), extract({ cwd: out }));
      expect(await readFile(join(out, 'docker/Dockerfile'), 'utf8')).toBe('FROM scratch\nLABEL a="b"\n');
      expect(await readFile(join(out, 'b.txt'), 'utf8')).toBe('b');
      expect(await readFile(join(dir, 'docker/Dockerfile'), 'utf8')).toBe('FROM scratch\n');
      const first = await sha256(await packBuildContext(dir, { 'docker/Dockerfile': 'x' }));
      expect(await sha256(await packBuildContext(dir, { 'docker/Dockerfile': 'x' }))).toBe(first);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('packs a context that holds only the replaced Dockerfile', async () => {
    const dir = await testdir({ Dockerfile: 'FROM scratch\n' });
    const out = await mkdtemp(join(tmpdir(), 'context-out-'));
    try {
      await pipeline(await packBuildContext(dir, { Dockerfile: 'FROM busybox\n' }), extract({ cwd: out }));
      expect(await readFile(join(out, 'Dockerfile'), 'utf8')).toBe('FROM busybox\n');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('appends every label as one LABEL instruction, quoted', () => {
    expect(dockerfileWithLabels('FROM x\nCMD ["a"]\n\n', { 'org.opencontainers.image.version': '1.2.3', d: 'say "hi"\nthere' }))
      .toBe('FROM x\nCMD ["a"]\nLABEL "org.opencontainers.image.version"="1.2.3" \\\n      "d"="say \\"hi\\" there"\n');
    expect(dockerfileWithLabels('FROM x\n', {})).toBe('FROM x\n');
  });
});
