import { describe, expect, it } from 'vitest';
import { demuxedText } from './dockerode-api';

/** One frame of a non-TTY container log: stream type, three zero bytes, big-endian length, payload. */
const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe('demuxedText', () => {
  it('joins stdout and stderr frames in the order written, without their headers', () => {
    expect(demuxedText(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err\n'), frame(1, 'out 2\n')]))).toBe('out 1\nerr\nout 2\n');
    expect(demuxedText(Buffer.alloc(0))).toBe('');
  });

  it('keeps only the last 64 KiB of a long output (the end holds the error)', () => {
    const text = demuxedText(Buffer.concat([frame(1, 'a'.repeat(70 * 1024)), frame(2, 'the error')]));
    expect(text.length).toBe(64 * 1024);
    expect(text.endsWith('the error')).toBe(true);
  });
});
