import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { sha256File } from './sha256-file';

const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('sha256File', () => {
  it.each([
    ['an empty file', 0],
    ['a small file', 7],
    ['a file of exactly one slice', 1024 * 1024],
    ['a file of several slices and a short one', 3 * 1024 * 1024 + 5],
  ])('hashes %s whole and counts its bytes', async (_, length) => {
    const bytes = randomBytes(length);
    const dir = await testdir({ f: bytes });
    expect(await sha256File(join(dir, 'f'))).toEqual({ sha256: hex(bytes), size: length });
  });

  it('fails with the file system error for a missing file', async () => {
    await expect(sha256File(join(await testdir(), 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
