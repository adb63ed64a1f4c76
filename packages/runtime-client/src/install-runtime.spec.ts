import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { testdir } from '@runway/test-utils';
import { installRuntime, type InstallRequest } from './install-runtime';
import { readReceipt, RECEIPT_FILE } from './install-receipt';
import { removeRuntime, verifyRuntime } from './manage-installed';
import { httpServer } from '@runway/test-utils';
import { tgzBytes } from '@runway/test-utils';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const pkg = tgzBytes([
  { path: 'py/', type: '5' },
  { path: 'py/setup.sh', mode: 0o755, content: 'echo "setting up $RUNTIME_NAME $RUNTIME_VERSION"\necho "$RUNTIME_NAME@$RUNTIME_VERSION in $RUNTIME_DIR" > "$RUNTIME_DIR/setup.out"\n' },
  { path: 'py/bin/', type: '5' },
  { path: 'py/bin/python', mode: 0o755, content: 'x'.repeat(200_000) },
]);

async function request(url: string, overrides: Partial<InstallRequest> = {}): Promise<InstallRequest & { logger: ReturnType<typeof memoryLogger> }> {
  return {
    name: 'py', version: '1.0.0', url, checksum: sha256(pkg), size: pkg.length, dir: join(await testdir(), 'rt'),
    maxBytes: 10 * 1024 * 1024, maxEntries: 100, idleTimeoutMs: 2000, logger: memoryLogger(), now: () => new Date(0),
    retry: { attempts: 3, baseDelayMs: 1 }, ...overrides,
  } as InstallRequest & { logger: ReturnType<typeof memoryLogger> };
}

describe('installRuntime over HTTP', () => {
  it('retries a 503 and a connection reset mid-download, then installs one good copy', async () => {
    let calls = 0;
    const server = await httpServer((_req, res) => {
      calls++;
      if (calls === 1) return void res.writeHead(503).end();
      res.writeHead(200, { 'Content-Length': String(pkg.length) });
      if (calls === 2) {
        res.write(pkg.subarray(0, pkg.length >> 1));
        return void setTimeout(() => res.socket?.destroy(), 20);
      }
      res.end(pkg);
    });
    const req = await request(`${server.url}/py-1.0.0.tar.gz`);
    const result = await installRuntime(req);
    expect(result.outcome).toBe('installed');
    expect(calls).toBe(3);
    expect(req.logger.lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
    expect((await verifyRuntime(req.dir, 'py', '1.0.0')).ok).toBe(true);
    expect(await readdir(req.dir)).toEqual(['py-1.0.0']);
  });

  it('retries a download that goes silent mid-body', async () => {
    let calls = 0;
    const server = await httpServer((_req, res) => {
      calls++;
      res.writeHead(200, { 'Content-Length': String(pkg.length) });
      if (calls === 1) return void res.write(pkg.subarray(0, pkg.length >> 1)); // then nothing
      res.end(pkg);
    });
    const req = await request(`${server.url}/py-1.0.0.tar.gz`, { idleTimeoutMs: 200 });
    expect((await installRuntime(req)).outcome).toBe('installed');
    expect(req.logger.lines.filter((l) => l.includes('retrying'))).toEqual([expect.stringMatching(/no data from .*py-1\.0\.0\.tar\.gz for 200 ms; retrying/)]);
  });

  it('fails with a clear error when the package is missing', async () => {
    const server = await httpServer((_req, res) => void res.writeHead(404).end());
    const req = await request(`${server.url}/nope.tar.gz`);
    await expect(installRuntime(req)).rejects.toThrowError(/cannot fetch the package from .*nope\.tar\.gz: HTTP 404/);
    expect(await readdir(req.dir)).toEqual([]);
  });
});

describe('installRuntime', () => {
  it('lets two racing installs of one runtime produce one good copy', async () => {
    const server = await httpServer((_req, res) => {
      res.writeHead(200);
      // Slow enough that both installs overlap.
      res.write(pkg.subarray(0, 100));
      setTimeout(() => res.end(pkg.subarray(100)), 100);
    });
    const req = await request(`${server.url}/py.tar.gz`);
    const results = await Promise.all([installRuntime(req), installRuntime({ ...req })]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['installed', 'unchanged']);
    expect(await readdir(req.dir)).toEqual(['py-1.0.0']);
    expect(await verifyRuntime(req.dir, 'py', '1.0.0')).toMatchObject({ ok: true, problems: [] });
  });

  it('runs the setup script with RUNTIME_* and records what it wrote', async () => {
    const root = await testdir({ 'py.tar.gz': pkg });
    const out = new PassThrough();
    let printed = '';
    out.on('data', (c) => { printed += c; });
    const req = await request(`file://${join(root, 'py.tar.gz')}`, { setup: { platform: 'nowhere-amd64', env: { PATH: process.env.PATH }, stdout: out, stderr: out } });
    const { path, receipt, entries } = await installRuntime(req);
    expect(printed).toBe('setting up py 1.0.0\n');
    expect(await readFile(join(path, 'setup.out'), 'utf8')).toBe(`py@1.0.0 in ${path}\n`);
    expect(receipt.setup).toBe('setup.sh');
    const written = await readReceipt(path);
    expect(written).toMatchObject({ setup: 'setup.sh' });
    expect(written!.files.map((f) => f.path)).toContain('setup.out');
    expect(written!.files).toHaveLength(entries);
    expect((await verifyRuntime(req.dir, 'py', '1.0.0')).ok).toBe(true);
  });

  it('rolls back when the setup script fails', async () => {
    const failing = tgzBytes([{ path: 'py/setup.sh', content: 'echo half > "$RUNTIME_DIR/half"; exit 3\n' }]);
    const root = await testdir({ 'py.tar.gz': failing });
    const sink = new PassThrough().resume();
    const req = await request(`file://${join(root, 'py.tar.gz')}`, {
      checksum: sha256(failing), size: failing.length, setup: { platform: 'debian-amd64', env: { PATH: process.env.PATH }, stdout: sink, stderr: sink },
    });
    await expect(installRuntime(req)).rejects.toThrowError(/setup\.sh of py@1\.0\.0 failed \(exit code 3\); the install was rolled back/);
    expect(await readdir(req.dir)).toEqual([]);
  });

  it('keeps versions side by side; verify finds tampering; remove deletes one version only', async () => {
    const root = await testdir({ 'py.tar.gz': pkg });
    const req = await request(`file://${join(root, 'py.tar.gz')}`);
    await installRuntime(req);
    await installRuntime({ ...req, version: '1.1.0' });
    expect(await readdir(req.dir)).toEqual(['py-1.0.0', 'py-1.1.0']);

    await appendFile(join(req.dir, 'py-1.0.0', 'bin', 'python'), 'tampered');
    await writeFile(join(req.dir, 'py-1.0.0', 'extra'), '');
    expect((await verifyRuntime(req.dir, 'py', '1.0.0')).problems).toEqual(['modified: bin/python (content changed)', 'unexpected: extra']);
    expect((await verifyRuntime(req.dir, 'py', '1.1.0', { checksum: `sha256:${'f'.repeat(64)}` })).problems).toEqual([
      `installed from a package with checksum ${sha256(pkg)}, the registry lists sha256:${'f'.repeat(64)}`,
    ]);

    await removeRuntime(req.dir, 'py', '1.0.0');
    expect(await readdir(req.dir)).toEqual(['py-1.1.0']);
    await expect(removeRuntime(req.dir, 'py', '1.0.0')).rejects.toThrowError(/py@1\.0\.0 is not installed .*/);
    await expect(removeRuntime(req.dir, 'py', '../../etc')).rejects.toThrowError(/not a valid runtime version/);
    await expect(removeRuntime(req.dir, '../py', '1.1.0')).rejects.toThrowError(/not a valid runtime name/);
  });

  it('records implicit parent folders and exact folder modes, so verify passes on a fresh install', async () => {
    const sparse = tgzBytes([{ path: 'py/a/b/c.txt', content: 'c' }, { path: 'py/private/', type: '5', mode: 0o700 }, { path: 'py/private/k', content: 'k', mode: 0o600 }]);
    const root = await testdir({ 'py.tar.gz': sparse });
    const req = await request(`file://${join(root, 'py.tar.gz')}`, { checksum: sha256(sparse), size: sparse.length });
    const { path, entries } = await installRuntime(req);
    // In the package's order; folders it leaves implicit come last, once their mode is final.
    const { files } = (await readReceipt(path))!;
    expect(files.map((f) => `${f.type} ${f.path} ${f.mode.toString(8)}`)).toEqual(['dir . 755', 'file a/b/c.txt 644', 'dir private 700', 'file private/k 600', 'dir a 755', 'dir a/b 755']);
    expect(entries).toBe(6);
    // One entry a line, written as extracted.
    const lines = (await readFile(join(path, RECEIPT_FILE), 'utf8')).split('\n');
    expect(lines.filter((line) => /^ {4}\{"path":/.test(line))).toHaveLength(6);
    expect(await verifyRuntime(req.dir, 'py', '1.0.0')).toMatchObject({ ok: true, problems: [] });
  });

  it('cleans scratch folders a killed install left behind, and only its own runtime\'s', async () => {
    const root = await testdir({ 'py.tar.gz': pkg });
    const req = await request(`file://${join(root, 'py.tar.gz')}`);
    await mkdir(join(req.dir, '.staging-py@1.0.0-dead', 'py'), { recursive: true });
    await mkdir(join(req.dir, '.staging-py-extra@1.0.0-busy'), { recursive: true });
    await installRuntime(req);
    expect((await readdir(req.dir)).sort()).toEqual(['.staging-py-extra@1.0.0-busy', 'py-1.0.0']);
  });

  it('records the trust of an install made before keys were pinned, keeping its entries, and leaves it unchanged', async () => {
    const root = await testdir({ 'py.tar.gz': pkg });
    const req = await request(`file://${join(root, 'py.tar.gz')}`);
    const first = await installRuntime(req);
    const before = await readReceipt(first.path);
    expect(before?.trust).toBeUndefined();
    const trust = { index: { serial: 3, expires: '2030-01-01T00:00:00Z', key_id: 'k1' }, provenance: { key_id: 'k1', subject: 'py.tar.gz', file: '{"payload":"…"}\n' } };
    const again = await installRuntime({ ...req, registry: 'https://reg.example/registry.json', trust });
    expect(again).toMatchObject({ outcome: 'unchanged', entries: first.entries, receipt: { trust, registry: 'https://reg.example/registry.json' } });
    const after = await readReceipt(first.path);
    expect(after).toEqual({ ...before, registry: 'https://reg.example/registry.json', trust });
    expect((await verifyRuntime(req.dir, 'py', '1.0.0')).ok).toBe(true);
  });

  it('refuses to replace an install whose package differs from the registry', async () => {
    const root = await testdir({ 'py.tar.gz': pkg });
    const req = await request(`file://${join(root, 'py.tar.gz')}`);
    await installRuntime(req);
    await expect(installRuntime({ ...req, checksum: `sha256:${'e'.repeat(64)}` })).rejects.toThrowError(/installed at .* from a package with checksum/);
  });
});

describe('installRuntime of a prebuilt environment', () => {
  const env = tgzBytes([
    { path: 'py/', type: '5' },
    { path: 'py/runtime.yml', content: 'mounts:\n  - source: isolated/usr\n    target: /usr\n' },
    { path: 'py/isolated/', type: '5' },
    { path: 'py/isolated/usr/', type: '5' },
    { path: 'py/setup.sh', mode: 0o755, content: 'echo ran > "$RUNTIME_DIR/setup.out"\n' },
  ]);

  it('unpacks it without running anything, even when asked to set up, and records the artifact', async () => {
    const server = await httpServer((_req, res) => res.end(env));
    const stdout = new PassThrough();
    const req = await request(`${server.url}/py-1.0.0-debian-amd64.tar.gz`, {
      checksum: sha256(env), size: env.length, artifact: { kind: 'prebuilt', platform: 'debian-amd64' },
      setup: { platform: 'debian-amd64', env: { PATH: process.env.PATH }, stdout, stderr: stdout },
    });
    const result = await installRuntime(req);
    expect(result.receipt).toMatchObject({ setup: null, checksum: sha256(env), artifact: { kind: 'prebuilt', platform: 'debian-amd64' } });
    expect((await readdir(result.path)).sort()).toEqual(['.runway-install.json', 'isolated', 'runtime.yml', 'setup.sh']);
    // The same version's source package is refused over it, not mixed in.
    await expect(installRuntime({ ...req, checksum: sha256(pkg), size: pkg.length, artifact: { kind: 'source' } })).rejects.toThrowError(
      `py@1.0.0 is already installed at ${result.path} from its prebuilt environment for debian-amd64, not its source package; nothing was changed`,
    );
    expect(await verifyRuntime(req.dir, 'py', '1.0.0', { checksum: sha256(pkg), prebuilt: { 'debian-amd64': { download_url: 'x', checksum: sha256(env), size: env.length } } })).toMatchObject({ ok: true });
    expect((await verifyRuntime(req.dir, 'py', '1.0.0', { checksum: sha256(pkg) })).problems).toEqual(['installed from the prebuilt environment for debian-amd64, which the registry no longer lists']);
  });

  it('refuses a prebuilt package without runtime.yml and isolated/ at its top, leaving nothing behind', async () => {
    const server = await httpServer((_req, res) => res.end(pkg));
    const req = await request(`${server.url}/py.tar.gz`, { artifact: { kind: 'prebuilt', platform: 'debian-amd64' } });
    await expect(installRuntime(req)).rejects.toThrowError(/the prebuilt environment must hold runtime\.yml and the folder isolated\/ at its top/);
    expect(await readdir(req.dir)).toEqual([]);
  });
});
