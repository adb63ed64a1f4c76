import { createHash, generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGitHubServer } from '@runway/github-server';
import { memoryLogger } from '@runway/log';
import { httpServer, testdir } from '@runway/test-utils';
import { emptyTrustState, parsePublicKeys, formatPublicKey, signIndex, signingKeyFromKeyObject, type SigningKey, type TrustState } from '@runway/trust';
import { loadRegistry, type LoadOptions } from './load-registry';
import type { RegistrySource } from './registry-source';

const key = signingKeyFromKeyObject(generateKeyPairSync('ed25519').privateKey, 'release');
const pinnedKeys = parsePublicKeys(formatPublicKey(key.publicKey), 'the test key');
const EXPIRES = '2999-01-01T00:00:00Z';

/** `registry.json` text at `serial` listing py@<version>, and its signature by `signer`. */
function signedIndex(version: string, serial: number, signer: SigningKey = key): { body: string; sig: string } {
  const body = `${JSON.stringify({
    version: '1', updated_at: '2025-01-01T00:00:00Z', serial, expires: EXPIRES,
    runtimes: { py: { [version]: { version, description: 'd', download_url: `https://x.invalid/py-${version}.tar.gz`, checksum: `sha256:${'a'.repeat(64)}`, size: 1, platforms: ['debian-amd64'] } } },
  }, null, 2)}\n`;
  return { body, sig: signIndex(Buffer.from(body), signer) };
}

async function options(extra: Partial<LoadOptions> = {}, state: TrustState = emptyTrustState()): Promise<LoadOptions> {
  return {
    cacheDir: await testdir(), refresh: false, ttlMs: 60 * 60 * 1000, now: () => new Date('2025-06-01T00:00:00Z'), env: {},
    logger: memoryLogger(), timeoutMs: 30_000, retry: { attempts: 2, baseDelayMs: 1 }, trust: { pinnedKeys, state }, ...extra,
  };
}

const verifiedSerial = async (source: RegistrySource, opts: LoadOptions) => {
  const loaded = await loadRegistry(source, opts);
  return loaded.trust.status === 'verified' ? loaded.trust.serial : loaded.trust;
};

/** A static registry server: `files` maps paths to bodies (ETag: their hash); `torn.sig` answers the next signature request with other bytes. */
async function indexServer() {
  const files: Record<string, string> = {};
  const torn: { sig?: string } = {};
  const server = await httpServer((req, res) => {
    const path = req.url ?? '';
    if (path === '/registry.json.sig' && torn.sig !== undefined) {
      const sig = torn.sig;
      delete torn.sig;
      return void res.writeHead(200).end(sig);
    }
    const body = files[path];
    if (body === undefined) return void res.writeHead(404).end();
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { ETag: etag }).end();
    res.writeHead(200, { ETag: etag }).end(body);
  });
  const publish = (index: { body: string; sig: string }) => Object.assign(files, { '/registry.json': index.body, '/registry.json.sig': index.sig });
  const paths = () => server.requests.map((r) => r.url);
  return { ...server, publish, torn, paths, source: { kind: 'http' as const, url: `${server.url}/registry.json` } };
}

describe('a signed HTTP registry and the cache', () => {
  it('caches the signature with the registry it belongs to, and refetches both once when the pair is refused', async () => {
    const server = await indexServer();
    server.publish(signedIndex('1.0.0', 5));
    const opts = await options();
    expect(await verifiedSerial(server.source, opts)).toBe(5);
    expect(server.paths()).toEqual(['/registry.json', '/registry.json.sig']);

    // Within the hour the cached pair is used as it is, whatever the server holds now.
    server.publish(signedIndex('1.1.0', 6));
    expect(await verifiedSerial(server.source, opts)).toBe(5);
    expect(server.requests).toHaveLength(2);

    // A damaged cached copy (its registry changed, its signature kept) is refused, then fetched fresh.
    const [record] = await readdir(join(opts.cacheDir, 'registries'));
    const file = join(opts.cacheDir, 'registries', record);
    const cached = JSON.parse(await readFile(file, 'utf8'));
    expect(cached).toMatchObject({ format: 2, body: signedIndex('1.0.0', 5).body, signature: signedIndex('1.0.0', 5).sig });
    await writeFile(file, JSON.stringify({ ...cached, body: cached.body.replace('"d"', '"evil"') }));
    expect(await verifiedSerial(server.source, opts)).toBe(6);
    expect(server.paths().slice(2)).toEqual(['/registry.json', '/registry.json.sig']);
    expect(server.requests[2].headers['if-none-match']).toBeUndefined();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ body: signedIndex('1.1.0', 6).body, signature: signedIndex('1.1.0', 6).sig });

    // Read while the publisher replaces both files: serial 7's registry with serial 6's signature, then the pair.
    server.publish(signedIndex('1.2.0', 7));
    server.torn.sig = signedIndex('1.1.0', 6).sig;
    expect(await verifiedSerial(server.source, { ...opts, refresh: true })).toBe(7);
    expect(server.paths().slice(4)).toEqual(['/registry.json', '/registry.json.sig', '/registry.json', '/registry.json.sig']);

    // After the hour, a 304 keeps the cached pair whole: the signature is not fetched alone.
    expect(await verifiedSerial(server.source, { ...opts, now: () => new Date('2025-06-01T02:00:00Z') })).toBe(7);
    expect(server.paths().slice(8)).toEqual(['/registry.json']);
  });

  it('refuses for good when the second look is refused too, and reports the refusal, not the connection', async () => {
    const server = await indexServer();
    const good = signedIndex('1.0.0', 5);
    server.publish({ body: good.body.replace('"d"', '"evil"'), sig: good.sig });
    const opts = await options();
    await expect(loadRegistry(server.source, opts)).rejects.toThrowError(/^registry http:\/\/127\.0\.0\.1:\d+\/registry\.json: registry\.json\.sig: the signature by SHA256:\S+ does not match the signed bytes/);
    expect(server.paths()).toEqual(['/registry.json', '/registry.json.sig', '/registry.json', '/registry.json.sig']);

    // Without a key nothing is checked: the pair is only reported as signed.
    const loaded = await loadRegistry(server.source, { ...opts, trust: undefined, refresh: true });
    expect(loaded.trust).toEqual({ status: 'unverified', signed: true });
  });
});

/** Forwards requests to `target`, running `before(path)` first: lets a spec push between two requests of the client. */
async function proxy(target: string, before: (path: string) => Promise<void>) {
  return httpServer((req, res) => {
    void before(req.url ?? '').then(() => {
      const forward = request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    });
  });
}

describe('a signed GitHub registry', () => {
  it('reads registry.json and its signature at one commit, so a push between the two reads cannot tear the pair', async () => {
    const server = await startGitHubServer({ owner: 'acme', repo: 'runtimes' });
    onTestFinished(() => server.close());
    const five = signedIndex('1.0.0', 5);
    await server.git.commit({ files: { 'registry.json': five.body, 'registry.json.sig': five.sig } });
    const six = signedIndex('1.1.0', 6);
    let pushed = false;
    const front = await proxy(server.url, async (path) => {
      // The publisher pushes serial 6 just after the client read registry.json (serial 5).
      if (path.startsWith('/api/v3/repos/acme/runtimes/contents/registry.json.sig') && !pushed) {
        pushed = true;
        await server.git.commit({ files: { 'registry.json': six.body, 'registry.json.sig': six.sig } });
      }
    });
    const opts = await options({ env: { GITHUB_API_URL: `${front.url}/api/v3` } });
    const source = { kind: 'github' as const, owner: 'acme', repo: 'runtimes' };
    expect(await verifiedSerial(source, opts)).toBe(5);
    expect(pushed).toBe(true);
    const reads = front.requests.map((r) => r.url ?? '').filter((u) => u.includes('/contents/'));
    const commit = /ref=([0-9a-f]{40})$/.exec(reads[0])?.[1];
    expect(reads).toEqual([`/api/v3/repos/acme/runtimes/contents/registry.json?ref=${commit}`, `/api/v3/repos/acme/runtimes/contents/registry.json.sig?ref=${commit}`]);
    expect(await verifiedSerial(source, { ...opts, refresh: true })).toBe(6);
    server.assertNoViolations();
  });
});
