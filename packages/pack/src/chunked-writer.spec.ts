import { describe, expect, it } from 'vitest';
import { ChunkedWriter } from './chunked-writer';

/** Writes the same stream (bytes, zeros, bytes) through a writer and returns the chunks it handed over. */
async function chunksOf(chunkSize: number, expectedBytes?: number): Promise<string[]> {
  const chunks: string[] = [];
  const writer = new ChunkedWriter(chunkSize, async (chunk) => {
    chunks.push(chunk.toString('hex'));
  }, () => Buffer.alloc(chunkSize, 0xee), expectedBytes);
  await writer.write(Buffer.from('abcdefghij'));
  await writer.writeZeros(7);
  await writer.write(Buffer.from('0123456789'));
  await writer.end();
  return chunks;
}

describe('ChunkedWriter', () => {
  it('cuts the same chunks whatever the size hint, growing a first buffer that was sized too small', async () => {
    const plain = await chunksOf(16);
    expect(plain.map((c) => c.length / 2)).toEqual([16, 11]);
    for (const hint of [0, 5, 16, 27, 100]) expect(await chunksOf(16, hint)).toEqual(plain);
    const short = await chunksOf(64);
    expect(short.map((c) => c.length / 2)).toEqual([27]);
    for (const hint of [3, 27, 64]) expect(await chunksOf(64, hint)).toEqual(short);
  });
});
