import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { reclaimBuffers } from './reclaim-buffers';

/** Streams `total` bytes of short-lived 64 KiB chunks, as a download does; returns the most buffer memory held at once. */
async function peakBufferBytes(total: number, onChunk: (bytes: number) => void): Promise<number> {
  let peak = 0;
  for (let sent = 0; sent < total; sent += 65536) {
    Buffer.allocUnsafeSlow(65536).fill(1);
    onChunk(65536);
    if ((sent / 65536) % 16 === 0) {
      await nextTurn();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
  }
  return peak;
}

describe('reclaimBuffers', () => {
  it('keeps dead stream chunks from piling up between garbage collections', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const reclaimed = await peakBufferBytes(128 * 1024 * 1024, reclaimBuffers(4 * 1024 * 1024)) - before;
    const unmanaged = await peakBufferBytes(128 * 1024 * 1024, () => undefined) - before;
    expect(reclaimed).toBeLessThan(16 * 1024 * 1024);
    expect(unmanaged).toBeGreaterThan(reclaimed * 2);
  });
});
