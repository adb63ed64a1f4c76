import { describe, expect, it } from 'vitest';
import { utimes } from 'node:fs/promises';
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
  it('lists files in byte order and packs the same bytes whatever the mtimes', async () => {
    const dir = await testdir({ 'b.txt': 'b', 'a/Z.txt': 'z', 'a/a.txt': 'a', Dockerfile: 'FROM scratch\n' });
    expect(await listContextFiles(dir)).toEqual(['Dockerfile', 'a/Z.txt', 'a/a.txt', 'b.txt']);
    const first = await sha256(await packBuildContext(dir));
    await utimes(join(dir, 'b.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(await sha256(await packBuildContext(dir))).toBe(first);
  });

  it('appends every label as one LABEL instruction, quoted', () => {
    expect(dockerfileWithLabels('FROM x\nCMD ["a"]\n\n', { 'org.opencontainers.image.version': '1.2.3', d: 'say "hi"\nthere' }))
      .toBe('FROM x\nCMD ["a"]\nLABEL "org.opencontainers.image.version"="1.2.3" \\\n      "d"="say \\"hi\\" there"\n');
    expect(dockerfileWithLabels('FROM x\n', {})).toBe('FROM x\n');
  });
});
