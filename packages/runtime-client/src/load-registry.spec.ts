import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { TransientError, UserError } from '@runway/errors';
import { memoryLogger } from '@runway/log';
import { testdir } from '@runway/test-utils';
import { loadRegistry, type LoadOptions } from './load-registry';
import { parseRegistrySource } from './registry-source';
import { resolveDownloadUrl } from '@runway/safe-archive';
import { httpServer } from '@runway/test-utils';

function registryText(version: string): string {
  return JSON.stringify({
    version: '1', updated_at: '2025-01-01T00:00:00Z',
    runtimes: { py: { [version]: { version, description: 'd', download_url: `releases/download/py@${version}/py-${version}.tar.gz`, checksum: `sha256:${'a'.repeat(64)}`, size: 1, platforms: ['debian-amd64'] } } },
  });
}

/** A registry server whose body and health the test changes; ETag = hash of the body. */
async function registryServer() {
  const state = { body: registryText('1.0.0'), status: 200 };
  const server = await httpServer((req, res) => {
    if (state.status !== 200) return void res.writeHead(state.status).end('down');
    const etag = `"${createHash('sha256').update(state.body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { ETag: etag }).end();
    res.writeHead(200, { ETag: etag, 'Content-Type': 'application/json' }).end(state.body);
  });
  return { state, ...server };
}

async function options(clock: { now: number }, extra: Partial<LoadOptions> = {}): Promise<LoadOptions & { logger: ReturnType<typeof memoryLogger> }> {
  return {
    cacheDir: await testdir(), refresh: false, ttlMs: 60 * 60 * 1000, now: () => new Date(clock.now), env: {},
    logger: memoryLogger(), timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 1 }, ...extra,
  } as LoadOptions & { logger: ReturnType<typeof memoryLogger> };
}

const versionsOf = (r: Awaited<ReturnType<typeof loadRegistry>>) => Object.keys(r.registry.runtimes.py);

describe('HTTP registries', () => {
  it('serves from cache within the TTL, revalidates with ETag after it, and --refresh skips the TTL', async () => {
    const server = await registryServer();
    const clock = { now: Date.parse('2025-06-01T00:00:00Z') };
    const opts = await options(clock);
    const source = { kind: 'http' as const, url: `${server.url}/registry.json` };

    expect(versionsOf(await loadRegistry(source, opts))).toEqual(['1.0.0']);
    expect(server.requests).toHaveLength(1);

    server.state.body = registryText('2.0.0');
    clock.now += 59 * 60 * 1000;
    expect(versionsOf(await loadRegistry(source, opts))).toEqual(['1.0.0']);
    expect(server.requests).toHaveLength(1);

    expect(versionsOf(await loadRegistry(source, { ...opts, refresh: true }))).toEqual(['2.0.0']);
    expect(server.requests).toHaveLength(2);

    clock.now += 61 * 60 * 1000;
    expect(versionsOf(await loadRegistry(source, opts))).toEqual(['2.0.0']);
    expect(server.requests).toHaveLength(3);
    const etagOf = (text: string) => `"${createHash('sha256').update(text).digest('hex').slice(0, 16)}"`;
    expect(server.requests[1].headers['if-none-match']).toBe(etagOf(registryText('1.0.0')));
    expect(server.requests[2].headers['if-none-match']).toBe(etagOf(registryText('2.0.0')));
  });

  it('answers 304 from the cache and restarts the TTL', async () => {
    const server = await registryServer();
    const clock = { now: Date.parse('2025-06-01T00:00:00Z') };
    const opts = await options(clock);
    const source = { kind: 'http' as const, url: `${server.url}/registry.json` };
    await loadRegistry(source, opts);
    clock.now += 2 * 60 * 60 * 1000;
    expect(versionsOf(await loadRegistry(source, opts))).toEqual(['1.0.0']);
    expect(server.requests).toHaveLength(2);
    clock.now += 30 * 60 * 1000;
    await loadRegistry(source, opts);
    expect(server.requests).toHaveLength(2);
  });

  it('uses an expired cached copy with a warning when the server fails, and fails without one', async () => {
    const server = await registryServer();
    const clock = { now: Date.parse('2025-06-01T00:00:00Z') };
    const opts = await options(clock);
    const source = { kind: 'http' as const, url: `${server.url}/registry.json` };
    await loadRegistry(source, opts);
    server.state.status = 503;
    clock.now += 3 * 60 * 60 * 1000;
    const stale = await loadRegistry(source, opts);
    expect(stale.stale).toBe(true);
    expect(versionsOf(stale)).toEqual(['1.0.0']);
    expect(opts.logger.lines.join('\n')).toMatch(/warning: .*HTTP 503; using the cached registry from 180 minute\(s\) ago/);
    expect(server.requests).toHaveLength(3); // first fetch + two attempts

    const cold = await options(clock);
    await expect(loadRegistry(source, cold)).rejects.toThrowError(TransientError);
    server.state.status = 404;
    await expect(loadRegistry(source, cold)).rejects.toThrowError(UserError);
  });

  it('still reads the registry when the cache cannot be written, with a warning', async () => {
    const server = await registryServer();
    const root = await testdir({ file: 'x' });
    const opts = await options({ now: 0 }, { cacheDir: join(root, 'file', 'cache') });
    expect(versionsOf(await loadRegistry({ kind: 'http', url: `${server.url}/registry.json` }, opts))).toEqual(['1.0.0']);
    expect(opts.logger.lines).toEqual([expect.stringMatching(/^warning: registry not cached: cannot write .*: a part of the path is a file, not a folder/)]);
  });

  it('never caches a broken body over a good copy', async () => {
    const server = await registryServer();
    const clock = { now: 0 };
    const opts = await options(clock);
    const source = { kind: 'http' as const, url: `${server.url}/registry.json` };
    await loadRegistry(source, opts);
    server.state.body = '{ not json';
    await expect(loadRegistry(source, { ...opts, refresh: true })).rejects.toThrowError(/not valid JSON/);
    expect(versionsOf(await loadRegistry(source, opts))).toEqual(['1.0.0']);
  });

  it('resolves relative download URLs against the registry URL', async () => {
    expect(resolveDownloadUrl('releases/download/py@1.0.0/py-1.0.0.tar.gz', 'http://h:1/reg/registry.json', 'r'))
      .toBe('http://h:1/reg/releases/download/py@1.0.0/py-1.0.0.tar.gz');
    expect(resolveDownloadUrl('py.tar.gz', 'file:///srv/reg/registry.json', 'r')).toBe('file:///srv/reg/py.tar.gz');
    expect(() => resolveDownloadUrl('file:///etc/passwd', 'http://h/registry.json', 'r')).toThrowError(/only a local registry may/);
    expect(() => resolveDownloadUrl('py.tar.gz', undefined, 'github:o/r')).toThrowError(/no base address/);
  });
});

describe('GitHub registries (owner/repo)', () => {
  it('reads registry.json on the default branch through the REST API with the token', async () => {
    const body = registryText('1.2.0');
    const server = await httpServer((req, res) => {
      if (req.headers.authorization !== 'Bearer secret-token') return void res.writeHead(401).end();
      if (req.url === '/repos/acme/runtimes') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ default_branch: 'trunk' }));
      if (req.url === '/repos/acme/runtimes/contents/registry.json?ref=trunk' && req.headers.accept === 'application/vnd.github.raw+json') {
        return void res.writeHead(200, { ETag: '"v1"' }).end(body);
      }
      res.writeHead(404).end();
    });
    const opts = await options({ now: 0 }, { env: { GITHUB_API_URL: server.url, GITHUB_TOKEN: 'secret-token' } });
    const source = parseRegistrySource('acme/runtimes', '/', '/home/u');
    expect(source).toEqual({ kind: 'github', owner: 'acme', repo: 'runtimes', orPath: '/acme/runtimes' });
    const loaded = await loadRegistry(source, opts);
    expect(versionsOf(loaded)).toEqual(['1.2.0']);
    expect(loaded.base).toBeUndefined();
    expect(server.requests.map((r) => r.url)).toEqual(['/repos/acme/runtimes', '/repos/acme/runtimes/contents/registry.json?ref=trunk']);

    await expect(loadRegistry(source, { ...opts, refresh: true, env: { GITHUB_API_URL: server.url } })).rejects.toThrowError(/HTTP 401/);
  });
});

describe('parseRegistrySource', () => {
  it.each([
    ['https://x.dev/runtimes/', { kind: 'http', url: 'https://x.dev/runtimes/registry.json' }],
    ['owner/repo', { kind: 'github', owner: 'owner', repo: 'repo', orPath: '/cwd/owner/repo' }],
    ['./owner/repo', { kind: 'file', path: '/cwd/owner/repo' }],
    ['github:owner/repo', { kind: 'github', owner: 'owner', repo: 'repo' }],
    ['dist/registry/x', { kind: 'file', path: '/cwd/dist/registry/x' }],
    ['dist/registry.json', { kind: 'file', path: '/cwd/dist/registry.json' }],
    ['~/reg', { kind: 'file', path: '/home/u/reg' }],
    ['file:///srv/reg', { kind: 'file', path: '/srv/reg' }],
    ['/abs/reg', { kind: 'file', path: '/abs/reg' }],
  ])('%s', (spec, expected) => expect(parseRegistrySource(spec, '/cwd', '/home/u')).toEqual(expected));

  it('reads owner/repo as a local path when it, or its first folder, exists here', () => {
    const exists = (path: string) => path === '/cwd/dist/registry' || path === '/cwd/build';
    expect(parseRegistrySource('dist/registry', '/cwd', '/home/u', exists)).toEqual({ kind: 'file', path: '/cwd/dist/registry' });
    expect(parseRegistrySource('build/registry', '/cwd', '/home/u', exists)).toEqual({ kind: 'file', path: '/cwd/build/registry' });
    expect(parseRegistrySource('acme/runtimes', '/cwd', '/home/u', exists)).toEqual({ kind: 'github', owner: 'acme', repo: 'runtimes', orPath: '/cwd/acme/runtimes' });
    expect(parseRegistrySource('github:dist/registry', '/cwd', '/home/u', exists)).toEqual({ kind: 'github', owner: 'dist', repo: 'registry' });
  });

  it.each([
    ['ftp://x/r.json', /^unsupported registry address "ftp:\/\/x\/r\.json"$/],
    ['github:nope', /^"github:nope" is not github:owner\/repo$/],
    ['\x1b[2J://x', /^unsupported registry address "\\x1b\[2J:\/\/x"$/],
  ])('refuses %j', (spec, message) => expect(() => parseRegistrySource(spec, '/', '/')).toThrowError(message));
});

describe('registry bounds', () => {
  it('fails a trickling registry at the overall deadline, retries included', async () => {
    const server = await httpServer((_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(drip));
    });
    const opts = await options({ now: 0 }, { deadlineMs: 600, retry: { attempts: 5, baseDelayMs: 1 } });
    const load = loadRegistry({ kind: 'http', url: `${server.url}/registry.json` }, opts);
    await expect(load).rejects.toBeInstanceOf(TransientError);
    await expect(load).rejects.toThrowError(/^GET http:\/\/127\.0\.0\.1:\d+\/registry\.json did not complete within 600 ms$/);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses an oversize registry at the cap without reading it all', async () => {
    let sent = 0;
    let closed: Promise<unknown> | undefined;
    const server = await httpServer((_req, res) => {
      closed = new Promise((resolve) => res.on('close', resolve));
      const chunk = Buffer.alloc(64 * 1024, ' ');
      const pump = () => {
        while (sent < 1024 ** 3) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.writeHead(200);
      pump();
    });
    const opts = await options({ now: 0 }, { maxBytes: 1024 * 1024 });
    const load = loadRegistry({ kind: 'http', url: `${server.url}/registry.json` }, opts);
    await expect(load).rejects.toBeInstanceOf(UserError);
    await expect(load).rejects.toThrowError(/^the registry at http:\/\/127\.0\.0\.1:\d+\/registry\.json is larger than the 1048576-byte cap$/);
    await closed;
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses an oversize local registry file without reading it', async () => {
    const dir = await testdir({ 'registry.json': ' '.repeat(2 * 1024 * 1024) });
    const opts = await options({ now: 0 }, { maxBytes: 1024 * 1024 });
    await expect(loadRegistry({ kind: 'file', path: dir }, opts)).rejects.toThrowError(`the registry at ${join(dir, 'registry.json')} is larger than the 1048576-byte cap (2097152 bytes)`);
  });

  it('refuses a device or a FIFO as a registry instead of reading or waiting forever', async () => {
    const dir = await testdir();
    await execa('mkfifo', [join(dir, 'fifo.json')]);
    const opts = await options({ now: 0 });
    await expect(loadRegistry({ kind: 'file', path: '/dev/zero' }, opts)).rejects.toThrowError('the registry /dev/zero is not a regular file');
    await expect(loadRegistry({ kind: 'file', path: join(dir, 'fifo.json') }, opts)).rejects.toThrowError(/fifo\.json is not a regular file/);
  });

  it('reports a missing local registry as such', async () => {
    const dir = await testdir();
    const opts = await options({ now: 0 });
    await expect(loadRegistry({ kind: 'file', path: join(dir, 'dist', 'registry') }, opts)).rejects.toThrowError(`no such registry folder or file: ${join(dir, 'dist', 'registry')}`);
    await mkdir(join(dir, 'empty'));
    await expect(loadRegistry({ kind: 'file', path: join(dir, 'empty') }, opts)).rejects.toThrowError(`the registry ${join(dir, 'empty', 'registry.json')} does not exist`);
  });

  it('reports a GitHub answer that is not JSON cleanly, and an unreadable owner/repo shorthand as possibly a missing folder', async () => {
    const server = await httpServer((req, res) => {
      if (req.url === '/repos/acme/broken') return void res.writeHead(200).end('<html>\x1b[2J');
      res.writeHead(404).end();
    });
    const opts = await options({ now: 0 }, { env: { GITHUB_API_URL: server.url } });
    const broken = loadRegistry({ kind: 'github', owner: 'acme', repo: 'broken' }, opts);
    await expect(broken).rejects.toBeInstanceOf(UserError);
    await expect(broken).rejects.toThrowError(/^http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/broken did not answer with a repository \(JSON\)$/);
    const shorthand = loadRegistry({ kind: 'github', owner: 'dist', repo: 'registry', orPath: '/cwd/dist/registry' }, opts);
    await expect(shorthand).rejects.toBeInstanceOf(UserError);
    await expect(shorthand).rejects.toThrowError(/^"dist\/registry" is neither a registry folder or file here \(\/cwd\/dist\/registry does not exist\) nor a GitHub repository that could be read \(cannot fetch repository dist\/registry from .*: HTTP 404\)$/);
  });
});
