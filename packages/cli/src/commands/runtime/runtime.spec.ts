import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { packTarball } from '@runway/pack';
import { addEntry, emptyRegistry, type Registry } from '@runway/registry';
import { writeRegistry } from '@runway/registry-file';
import { hostPlatform } from '@runway/runtime-client';
import { REPO_ROOT, testdir } from '@runway/test-utils';

const RUNWAY = join(REPO_ROOT, 'node_modules', '.bin', 'runway');

/** Runs the real CLI binary with a private HOME, cache and config. */
async function runway(args: string[], home: string) {
  return execa(RUNWAY, args, {
    reject: false,
    env: { HOME: home, RUNWAY_CACHE_DIR: join(home, 'cache'), RUNWAY_CONFIG: join(home, 'registries.yaml'), RUNWAY_RUNTIMES_DIR: join(home, 'runtimes'), CI: '1', PATH: process.env.PATH },
    extendEnv: false,
  });
}

/** Packs `files` as `<name>-<version>.tar.gz` into a directory registry with a relative download URL. */
async function publish(registryDir: string, name: string, version: string, files: Record<string, string>, platforms: string[]): Promise<void> {
  const src = await testdir(files);
  const rel = `releases/download/${name}@${version}/${name}-${version}.tar.gz`;
  await mkdir(join(registryDir, rel, '..'), { recursive: true });
  const packed = await packTarball({ sourceDir: src, prefix: name, outFile: join(registryDir, rel) });
  const file = join(registryDir, 'registry.json');
  const current: Registry = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : emptyRegistry(new Date(0));
  const entry = { version, description: `${name} ${version}`, download_url: rel, checksum: `sha256:${packed.sha256.replace(/^sha256:/, '')}`, size: packed.size, platforms };
  await writeRegistry(file, addEntry(current, name, entry, new Date(0)).registry);
}

/** Serves a folder over HTTP on 127.0.0.1 for the duration of the test. */
async function serveDir(root: string): Promise<string> {
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(root) || !existsSync(path)) return void res.writeHead(404).end();
    res.writeHead(200);
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('runway runtime against a directory registry', () => {
  it('installs, verifies and removes; versions coexist; works from a path and over HTTP', async () => {
    const platform = await hostPlatform();
    const reg = await testdir();
    await publish(reg, 'demo', '1.0.0', { 'setup.sh': 'echo one\n', 'bin/demo': 'v1' }, [platform]);
    await publish(reg, 'demo', '1.10.0', { 'setup.sh': 'echo ten\n', 'bin/demo': 'v10' }, [platform]);
    await publish(reg, 'demo', '1.9.0', { 'setup.sh': 'echo nine\n', 'bin/demo': 'v9' }, [platform]);
    const home = await testdir();
    const dir = join(home, 'rt');

    const list = await runway(['runtime', 'list', '--registry', reg, '--json'], home);
    expect(JSON.parse(list.stdout)).toEqual([{ name: 'demo', versions: ['1.0.0', '1.9.0', '1.10.0'], latest: '1.10.0' }]);

    const latest = await runway(['runtime', 'install', 'demo', '--registry', reg, '--dir', dir, '--json'], home);
    expect(latest.stderr).toBe('');
    expect(JSON.parse(latest.stdout)).toMatchObject({ name: 'demo', version: '1.10.0', outcome: 'installed', path: join(dir, 'demo-1.10.0') });
    expect((await runway(['runtime', 'install', 'demo@1.0.0', '--registry', reg, '--dir', dir], home)).stdout).toBe(`installed demo@1.0.0 into ${join(dir, 'demo-1.0.0')}`);
    expect((await runway(['runtime', 'install', 'demo@1.0.0', '--registry', reg, '--dir', dir], home)).stdout).toMatch(/already installed .* \(unchanged\)/);
    expect(await readdir(dir)).toEqual(['demo-1.0.0', 'demo-1.10.0']);
    expect(readFileSync(join(dir, 'demo-1.10.0', 'bin', 'demo'), 'utf8')).toBe('v10');

    const verified = await runway(['runtime', 'verify', 'demo@1.0.0', '--dir', dir, '--registry', reg, '--json'], home);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, problems: [] });
    await appendFile(join(dir, 'demo-1.0.0', 'bin', 'demo'), '!');
    const broken = await runway(['runtime', 'verify', 'demo@1.0.0', '--dir', dir], home);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain('modified: bin/demo (content changed)');

    const removed = await runway(['runtime', 'remove', 'demo@1.0.0', '--dir', dir], home);
    expect(removed.exitCode).toBe(0);
    expect(await readdir(dir)).toEqual(['demo-1.10.0']);
    const unknown = await runway(['runtime', 'install', 'demo@2.0.0', '--registry', reg, '--dir', dir], home);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('available versions: 1.0.0, 1.9.0, 1.10.0');

    const url = await serveDir(reg);
    const overHttp = await runway(['runtime', 'install', 'demo@1.9.0', '--registry', `${url}/`, '--dir', dir, '--json'], home);
    expect(JSON.parse(overHttp.stdout)).toMatchObject({ version: '1.9.0', outcome: 'installed' });
    expect(readFileSync(join(dir, 'demo-1.9.0', 'bin', 'demo'), 'utf8')).toBe('v9');
  });

  it('lets two concurrent install processes end with one good copy', async () => {
    const reg = await testdir();
    await publish(reg, 'demo', '1.0.0', { 'setup.sh': 'echo\n', 'data.bin': 'z'.repeat(300_000) }, [await hostPlatform()]);
    const home = await testdir();
    const dir = join(home, 'rt');
    const args = ['runtime', 'install', 'demo@1.0.0', '--registry', reg, '--dir', dir, '--json'];
    const [a, b] = await Promise.all([runway(args, home), runway(args, home)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect([JSON.parse(a.stdout).outcome, JSON.parse(b.stdout).outcome].sort()).toEqual(['installed', 'unchanged']);
    expect(await readdir(dir)).toEqual(['demo-1.0.0']);
    expect(JSON.parse((await runway(['runtime', 'verify', 'demo@1.0.0', '--dir', dir, '--json'], home)).stdout).ok).toBe(true);
  });

  it('reads registries from the config file, the first listed winning for a name', async () => {
    const platform = await hostPlatform();
    const first = await testdir();
    const second = await testdir();
    await publish(first, 'demo', '1.0.0', { 'setup.sh': '' }, [platform]);
    await publish(second, 'demo', '2.0.0', { 'setup.sh': '' }, [platform]);
    await publish(second, 'other', '0.1.0', { 'setup.sh': '' }, [platform]);
    const home = await testdir();
    await writeFile(join(home, 'registries.yaml'), `registries:\n  - ${first}\n  - ${second}\n`);
    const list = await runway(['runtime', 'list', '--json'], home);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'demo', versions: ['1.0.0'], latest: '1.0.0' },
      { name: 'other', versions: ['0.1.0'], latest: '0.1.0' },
    ]);
    await writeFile(join(home, 'registries.yaml'), '');
    const none = await runway(['runtime', 'list'], home);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/"registries" must be a list/);
  });
});

const BASH_RUNTIME = join(REPO_ROOT, 'runtimes', 'bash-5.2');
/** Where the host's loader and libraries land inside isolated/ (bash-5.2 supports amd64 and arm64 hosts). */
const HOST_LIBS: Record<string, { loader: string; libs: string }> = {
  x64: { loader: 'lib64/ld-linux-x86-64.so.2', libs: 'lib/x86_64-linux-gnu' },
  arm64: { loader: 'lib/ld-linux-aarch64.so.1', libs: 'lib/aarch64-linux-gnu' },
};

describe('installing runtimes/bash-5.2 with --setup', () => {
  it('packs, installs, sets up offline and runs bash from isolated/', async () => {
    const platform = await hostPlatform();
    const reg = await testdir();
    const rel = 'releases/download/bash-5.2@1.0.0/bash-5.2-1.0.0.tar.gz';
    await mkdir(join(reg, rel, '..'), { recursive: true });
    const packed = await packTarball({ sourceDir: BASH_RUNTIME, prefix: 'bash-5.2', outFile: join(reg, rel) });
    const entry = { version: '1.0.0', description: 'bash', download_url: rel, checksum: `sha256:${packed.sha256.replace(/^sha256:/, '')}`, size: packed.size, platforms: [platform] };
    await writeRegistry(join(reg, 'registry.json'), addEntry(emptyRegistry(new Date(0)), 'bash-5.2', entry, new Date(0)).registry);

    const home = await testdir();
    const dir = join(home, 'rt');
    const installed = await runway(['runtime', 'install', 'bash-5.2', '--registry', reg, '--dir', dir, '--setup'], home);
    expect(installed.stderr).toBe('');
    expect(installed.exitCode).toBe(0);
    expect(installed.stdout).toContain(`installed bash-5.2@1.0.0 into ${join(dir, 'bash-5.2-1.0.0')}`);
    const isolated = join(dir, 'bash-5.2-1.0.0', 'isolated');
    const host = HOST_LIBS[process.arch];
    expect(host, `bash-5.2 supports amd64 and arm64 hosts, not ${process.arch}`).toBeDefined();
    const run = await execa(join(isolated, host.loader), ['--library-path', join(isolated, host.libs), join(isolated, 'usr', 'bin', 'bash'), '-c', 'echo "ok $BASH_VERSION"'], { env: {}, extendEnv: false });
    expect(run.stdout).toMatch(/^ok 5\.2\./);
    const verified = await runway(['runtime', 'verify', 'bash-5.2@1.0.0', '--dir', dir, '--json'], home);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
  });
});
