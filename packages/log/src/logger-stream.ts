import { Writable } from 'node:stream';
import type { Logger } from './logger';

/**
 * A writable stream that hands each complete line to `logger.info`, for libraries that insist on
 * writing to a stream (listr2's renderers): their output then passes the same logger, and so the
 * same redaction, as everything else. A trailing partial line is flushed on `end()`.
 */
export function loggerStream(logger: Pick<Logger, 'info'>): Writable {
  let pending = '';
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      pending += String(chunk);
      const lines = pending.split(/\r?\n/);
      pending = lines.pop()!;
      for (const line of lines) logger.info(line);
      done();
    },
    final(done) {
      if (pending) logger.info(pending);
      pending = '';
      done();
    },
  });
}
