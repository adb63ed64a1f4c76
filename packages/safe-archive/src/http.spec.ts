import { describe, expect, it } from 'vitest';
import { TransientError } from '@runway/errors';
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
    expect(await readText(res)).toBe('asset bytes');
    expect(api.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/start', 'Bearer s3cret'], ['/moved', 'Bearer s3cret']]);
    expect(storage.requests[0].headers.authorization).toBeUndefined();
    expect(storage.requests[0].headers.accept).toBe('application/octet-stream');
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
    const read = readText(res);
    await expect(read).rejects.toBeInstanceOf(TransientError);
    await expect(read).rejects.toThrowError(/no data from http:\/\/127\.0\.0\.1:\d+\/slow for 200 ms/);
  });

  it('fails as a TransientError on 5xx and when nothing listens', async () => {
    const server = await httpServer((_req, res) => void res.writeHead(502).end());
    await expect(httpGet(`${server.url}/x`, { timeoutMs: 2000 })).rejects.toThrowError(new TransientError(`GET ${server.url}/x failed: HTTP 502`));
    await expect(httpGet('http://127.0.0.1:1/x', { timeoutMs: 2000 })).rejects.toThrowError(/GET http:\/\/127\.0\.0\.1:1\/x failed: ECONNREFUSED/);
  });
});
