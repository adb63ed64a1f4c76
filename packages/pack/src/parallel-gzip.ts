import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Byte 9 of a gzip member: the OS that wrote it. zlib sets it per build platform; we pin Unix. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNIX = 3;

export interface ParallelGzipOptions {
  /** zlib level; 6 is gzip's default. */
  level: number;
  /** How many chunks may be compressing (or waiting to be written) at once: bounds memory. */
  inFlight: number;
  /** Called with each input chunk once it is compressed, so its buffer can be reused. */
  recycle?: (chunk: Buffer) => void;
}

/** Receives compressed members in input order. */
export type MemberSink = (member: Buffer) => Promise<void>;

/**
 * Compresses a stream of chunks as a multi-member gzip file, several chunks at a time on the libuv
 * threadpool, and hands the members to `sink` strictly in input order. A multi-member gzip stream is
 * standard (RFC 1952 §2.2): `gunzip`, `tar -xz` and zlib's gunzip read it as one stream.
 *
 * The output is a pure function of the chunk boundaries, which the caller fixes, so it does not
 * depend on timing or core count. Each member's header has no name and mtime 0 (zlib's default)
 * and its OS byte pinned, so Linux, macOS and Windows builds of the same zlib agree.
 */
export class ParallelGzip {
  private readonly pending: Promise<Buffer>[] = [];

  constructor(private readonly sink: MemberSink, private readonly options: ParallelGzipOptions) {}

  /** Queues one chunk; waits while `inFlight` chunks are already queued (backpressure). */
  async push(chunk: Buffer): Promise<void> {
    // Output buffers of 1 MiB: one or two per compressible chunk, without reserving the input size.
    const member = gzipAsync(chunk, { level: this.options.level, chunkSize: 1024 * 1024 }).then((out) => {
      this.options.recycle?.(chunk);
      return out;
    });
    // The rejection is observed when the member is awaited in order; don't let it surface earlier.
    member.catch(() => undefined);
    this.pending.push(member);
    while (this.pending.length >= this.options.inFlight) await this.writeNext();
  }

  /** Writes every queued member; call once after the last `push`. */
  async end(): Promise<void> {
    while (this.pending.length > 0) await this.writeNext();
  }

  private async writeNext(): Promise<void> {
    const member = await this.pending.shift()!;
    member[GZIP_OS_OFFSET] = GZIP_OS_UNIX;
    await this.sink(member);
  }
}
