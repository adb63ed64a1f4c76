import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TransientError } from '@runway/errors';
import { deadlineAfter, withRetryBefore } from './deadline';
import { httpGet, readText } from './http';
import { httpServer } from '@runway/test-utils';

describe('httpGet', () => {
  it('follows redirects and sends credentials to the same origin only', async () => {
    const storage = await httpServer((_req, res) => void res.writeHead(200).end('asset bytes'));
    const api = await httpServer((req, res) => {
      if (req.url === '/start') return void res.writeHead(301, { Location: '/moved' }).end();
      res.writeHead(302, { Location: `${storage.url}/signed?token=abc` }).end();
    });
    const res = await httpGet(`${api.url}/start`, { headers: { Authorization: 'Bearer s3cret', Accept: 'application/octet-stream' }, timeoutMs: 2000 });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${storage.url}/signed?token=abc`);
    expect(await readText(res, { maxBytes: 100, what: 'the asset' })).toBe('asset bytes');
    expect(api.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/start', 'Bearer s3cret'], ['/moved', 'Bearer s3cret']]);
    expect(storage.requests[0].headers.authorization).toBeUndefined();
    expect(storage.requests[0].headers.accept).toBe('application/octet-stream');
  });

  it.each([
    ['an invalid address', 'http://[::1', /redirects to an invalid address "http:\/\/\[::1"/],
    ['a local file', 'file:///etc/passwd', /redirects to unsupported protocol file:/],
  ])('refuses a redirect to %s as a UserError', async (_label, location, message) => {
    const server = await httpServer((_req, res) => void res.writeHead(302, { Location: location }).end());
    await expect(httpGet(`${server.url}/x`, { timeoutMs: 2000 })).rejects.toThrowError(message);
  });

  it('gives up on a redirect loop', async () => {
    const server = await httpServer((_req, res) => void res.writeHead(302, { Location: '/again' }).end());
    await expect(httpGet(`${server.url}/loop`, { timeoutMs: 2000 })).rejects.toThrowError(/redirects more than 5 times/);
    expect(server.requests).toHaveLength(6);
  });

  it('fails as a TransientError when the server goes silent mid-body, naming the stall', async () => {
    const server = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('x'.repeat(10)); // then nothing
    });
    const res = await httpGet(`${server.url}/slow`, { timeoutMs: 200 });
    const read = readText(res, { maxBytes: 1000, what: 'the registry' });
    await expect(read).rejects.toBeInstanceOf(TransientError);
    await expect(read).rejects.toThrowError(/no data from http:\/\/127\.0\.0\.1:\d+\/slow for 200 ms/);
  });

  it('fails as a TransientError on 5xx and when nothing listens', async () => {
    const server = await httpServer((_req, res) => void res.writeHead(502).end());
    await expect(httpGet(`${server.url}/x`, { timeoutMs: 2000 })).rejects.toThrowError(new TransientError(`GET ${server.url}/x failed: HTTP 502`));
    await expect(httpGet('http://127.0.0.1:1/x', { timeoutMs: 2000 })).rejects.toThrowError(/GET http:\/\/127\.0\.0\.1:1\/x failed: ECONNREFUSED/);
  });
});

describe('httpGet deadlines and readText caps', () => {
  it('fails a trickling body at the overall deadline, though data never stops long enough for the idle timeout', async () => {
    // One byte every 50 ms, for ever: the connection is never idle for the 5 s timeout.
    const drip = async function* () {
      for (;;) {
        await sleep(50);
        yield 'x';
      }
    };
    const server = await httpServer((_req, res) => void Readable.from(drip()).pipe(res.writeHead(200)));
    const res = await httpGet(`${server.url}/registry.json`, { timeoutMs: 5000, deadline: deadlineAfter(400) });
    const read = readText(res, { maxBytes: 1024 * 1024, what: 'the registry' });
    await expect(read).rejects.toBeInstanceOf(TransientError);
    await expect(read).rejects.toThrowError(/^GET http:\/\/127\.0\.0\.1:\d+\/registry\.json did not complete within 400 ms$/);
  });

  it('fails headers that never come at the deadline, and refuses to start after it', async () => {
    const server = await httpServer(() => undefined);
    await expect(httpGet(`${server.url}/x`, { timeoutMs: 5000, deadline: deadlineAfter(200) })).rejects.toThrowError(/did not complete within 200 ms/);
    await expect(httpGet(`${server.url}/x`, { timeoutMs: 5000, deadline: deadlineAfter(-1) })).rejects.toThrowError(TransientError);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a declared length over the cap before reading the body', async () => {
    const server = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(1024 ** 3) });
      res.write('{');
    });
    const res = await httpGet(`${server.url}/r.json`, { timeoutMs: 5000 });
    await expect(readText(res, { maxBytes: 1000, what: 'the registry' })).rejects.toThrowError(/is larger than the 1000-byte cap \(1073741824 bytes\)/);
  });
});

describe('withRetryBefore', () => {
  it('retries transient failures while there is time, then fails with the last one', async () => {
    let calls = 0;
    const deadline = deadlineAfter(150);
    const run = withRetryBefore(deadline, async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 40));
      throw new TransientError(`attempt ${calls}`);
    }, { attempts: 1000, baseDelayMs: 1 });
    await expect(run).rejects.toThrowError(/^attempt \d+$/);
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(10);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline.at);
  });
});
