import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Largest read buffer; a file is hashed in slices of this size. */
const MAX_BUFFER = 1024 * 1024;

/**
 * Reads a file through sha256; returns the hex digest and the byte count. The buffer is sized to
 * the file (up to 1 MiB), so hashing many small files (a bulk release) does not allocate 1 MiB each.
 */
export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    // The stat size only sizes the buffer (one byte over, so a small file ends in one short read):
    // reading goes on until a read comes back short, so a file that grew is still hashed whole.
    const buffer = Buffer.allocUnsafe(Math.min(MAX_BUFFER, (await file.stat()).size + 1));
    let size = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, size);
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
      if (bytesRead < buffer.length) return { sha256: hash.digest('hex'), size };
    }
  } finally {
    await file.close();
  }
}
