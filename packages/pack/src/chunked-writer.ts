import type { ByteReader } from './pack-source';

/** Receives each full chunk; the buffer is handed over and never touched again by the writer. */
export type ChunkSink = (chunk: Buffer) => Promise<void>;

/**
 * Cuts a byte stream into chunks of exactly `chunkSize` bytes (the last one shorter). File data is
 * read straight into the chunk buffer, so packing copies each byte once before compression.
 */
export class ChunkedWriter {
  private chunk: Buffer;
  private used = 0;

  /**
   * `allocate` returns a buffer of at least `chunkSize` bytes, e.g. one recycled from a pool.
   * `expectedBytes` (the stream's size when known) sizes the first buffer for a stream shorter
   * than one chunk, so packing a tiny tree does not take a full chunk; it grows on demand, and
   * chunk boundaries (hence the output) never depend on it.
   */
  constructor(private readonly chunkSize: number, private readonly sink: ChunkSink, private readonly allocate: () => Buffer, expectedBytes?: number) {
    this.chunk = expectedBytes !== undefined && expectedBytes < chunkSize ? Buffer.allocUnsafe(Math.max(1, expectedBytes)) : allocate();
  }

  async write(bytes: Buffer): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(bytes.length - offset, this.chunkSize - this.used);
      this.reserve(n);
      bytes.copy(this.chunk, this.used, offset, offset + n);
      offset += n;
      await this.advance(n);
    }
  }

  async writeZeros(count: number): Promise<void> {
    let left = count;
    while (left > 0) {
      const n = Math.min(left, this.chunkSize - this.used);
      this.reserve(n);
      this.chunk.fill(0, this.used, this.used + n);
      left -= n;
      await this.advance(n);
    }
  }

  /**
   * Copies exactly `length` bytes from `reader`, straight into the chunk. Returns the number of
   * bytes actually available, which is less than `length` when a file shrank after it was listed.
   * `onRead` sees every slice as it lands in the chunk (before the chunk is handed over), e.g. to
   * hash the file.
   */
  async writeFrom(reader: ByteReader, length: number, onRead?: (bytes: Buffer) => void): Promise<number> {
    let position = 0;
    while (position < length) {
      const want = Math.min(length - position, this.chunkSize - this.used);
      this.reserve(want);
      const bytesRead = await reader.read(this.chunk, this.used, want);
      if (bytesRead === 0) return position;
      onRead?.(this.chunk.subarray(this.used, this.used + bytesRead));
      position += bytesRead;
      await this.advance(bytesRead);
    }
    return position;
  }

  /** Hands over the last, partial chunk. */
  async end(): Promise<void> {
    if (this.used > 0) await this.sink(this.chunk.subarray(0, this.used));
  }

  /** Makes room for `n` more bytes in a first buffer sized below `chunkSize` (a stream longer than expected). */
  private reserve(n: number): void {
    if (this.used + n <= this.chunk.length) return;
    const full = this.allocate();
    this.chunk.copy(full, 0, 0, this.used);
    this.chunk = full;
  }

  private async advance(n: number): Promise<void> {
    this.used += n;
    if (this.used < this.chunkSize) return;
    const full = this.chunk;
    this.used = 0;
    await this.sink(full);
    this.chunk = this.allocate();
  }
}
