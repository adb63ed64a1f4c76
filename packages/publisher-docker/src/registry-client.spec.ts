import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { UserError } from '@runway/errors';
import { createRegistryClient, parseChallenge } from './registry-client';

/** A registry that uses the Bearer token flow (as ghcr.io and Docker Hub do), on 127.0.0.1. */
async function tokenRegistry(): Promise<{ host: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, 'http://x');
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/token') {
      const ok = req.headers.authorization === `Basic ${Buffer.from('alice:right').toString('base64')}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      return res.end(ok ? JSON.stringify({ token: `tok-${url.searchParams.get('scope')}` }) : '{}');
    }
    const scope = 'repository:acme/runenv-x:pull';
    if (req.headers.authorization !== `Bearer tok-${scope}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="test",scope="${scope}"` });
      return res.end();
    }
    res.writeHead(200, { 'docker-content-digest': 'sha256:abc', 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    res.end(req.method === 'HEAD' ? undefined : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('registry client', () => {
  it('parses challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"'))
      .toEqual({ scheme: 'bearer', params: { realm: 'https://auth/token', service: 'reg', scope: 'repository:a:pull' } });
  });

  it('follows the Bearer token flow with the requested scope and reuses the token', async () => {
    const { host, seen } = await tokenRegistry();
    const client = createRegistryClient({ host, credentials: { username: 'alice', password: 'right', source: 'test' } });
    expect(await client.manifestDigest('acme/runenv-x', 'latest')).toBe('sha256:abc');
    expect(await client.manifestDigest('acme/runenv-x', 'edge')).toBe('sha256:abc');
    expect(seen).toEqual([
      'HEAD /v2/acme/runenv-x/manifests/latest',
      'GET /token?service=test&scope=repository%3Aacme%2Frunenv-x%3Apull',
      'HEAD /v2/acme/runenv-x/manifests/latest',
      'HEAD /v2/acme/runenv-x/manifests/edge',
    ]);
  });

  it('reports rejected credentials with the registry and the variables, never the password', async () => {
    const { host } = await tokenRegistry();
    const client = createRegistryClient({ host, credentials: { username: 'alice', password: 'wrong-pw', source: 'RUNWAY_IMAGE_REGISTRY_USER/RUNWAY_IMAGE_REGISTRY_PASSWORD' } });
    const err = await client.manifestDigest('acme/runenv-x', 'latest').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`registry ${host} rejected the credentials of user "alice" (from RUNWAY_IMAGE_REGISTRY_USER/RUNWAY_IMAGE_REGISTRY_PASSWORD)`);
    expect((err as UserError).hint).toContain('RUNWAY_IMAGE_REGISTRY_PASSWORD');
    expect(JSON.stringify({ m: (err as Error).message, h: (err as UserError).hint })).not.toContain('wrong-pw');
  });
});
