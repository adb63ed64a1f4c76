import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DaemonStreamError, readEventStream } from './stream-events';

describe('readEventStream', () => {
  it('rejects with the daemon message when a 200 stream carries an error event', async () => {
    const stream = Readable.from(['{"stream":"Step 1/2"}\n{"errorDetail":{"code":1,"message":"returned a non-zero code: 3"},', '"error":"returned a non-zero code: 3"}\n']);
    const err = await readEventStream(stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonStreamError);
    expect((err as Error).message).toBe('returned a non-zero code: 3');
  });
  it('resolves with every event (split across chunks) when there is none', async () => {
    const events = await readEventStream(Readable.from(['{"status":"a"}\n{"aux":{"Dig', 'est":"sha256:1"}}\n']));
    expect(events).toEqual([{ status: 'a' }, { aux: { Digest: 'sha256:1' } }]);
  });
});
