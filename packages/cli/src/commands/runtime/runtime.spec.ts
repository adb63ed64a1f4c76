import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { packTarball } from '@runway/pack';
import { addEntry, emptyRegistry, type Registry } from '@runway/registry';
import { writeRegistry } from '@runway/registry-file';
import { hostPlatform } from '@runway/runtime-client';
import { httpServer, REPO_ROOT, testdir, tgzBytes, type RawTarEntry } from '@runway/test-utils';
import { runway } from './testing/cli';
import { serveDir } from './testing/serve-dir';

/** The one line said of a registry read without a key (stderr, so `--json` output stays clean). */
const UNSIGNED_NOTICE = /^warning: registry [^\n]+ is unsigned: its packages are checked against the checksums it lists, but nothing proves who published it(\n|$)/;
/** stderr without that line. */
const afterNotice = (stderr: string) => stderr.replace(UNSIGNED_NOTICE, '');

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
    expect(latest.stderr).toMatch(UNSIGNED_NOTICE);
    expect(afterNotice(latest.stderr)).toBe('');
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

    const { url } = await serveDir(reg);
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
    expect(afterNotice(installed.stderr)).toBe('');
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

/** Raw terminal controls other than the line feed: none may reach the terminal from registry or archive data. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Writes `registry.json` (given as an object, or as raw text) plus packages into a fresh folder. */
async function hostileRegistry(runtimes: unknown, packages: Record<string, Buffer> = {}): Promise<string> {
  const dir = await testdir(packages);
  const text = typeof runtimes === 'string' ? runtimes : JSON.stringify({ version: '1', updated_at: '2025-01-01T00:00:00Z', runtimes });
  await writeFile(join(dir, 'registry.json'), text);
  return dir;
}

const entryFor = (version: string, pkg: Buffer, platforms: string[], extra: Record<string, unknown> = {}) => ({
  version, description: `py ${version}`, download_url: `py-${version}.tar.gz`, checksum: sha256(pkg), size: pkg.length, platforms, ...extra,
});

describe('runway runtime against hostile registries and packages', () => {
  const pkg = tgzBytes([{ path: 'py/', type: '5' }, { path: 'py/setup.sh', content: 'echo\n', mode: 0o755 }]);

  it('prints registry text with control characters escaped, and keeps --json valid', async () => {
    const home = await testdir();
    const forged = '\x1b[2J\nerror: forged line\u009b31m\u202e';
    const reg = await hostileRegistry({
      py: { '1.0.0': entryFor('1.0.0', pkg, ['ubuntu-amd64'], { description: `evil ${forged}` }), '1.1.0': entryFor('1.1.0', pkg, ['ubuntu-amd64'], { deprecated: { reason: forged, use: `1.0.0${forged}` } }) },
      [`bad${forged}`]: { '1.0.0': entryFor('1.0.0', pkg, ['ubuntu-amd64']) },
    });
    const list = await runway(['runtime', 'list', '--registry', reg], home);
    const info = await runway(['runtime', 'info', 'py', '--registry', reg], home);
    const one = await runway(['runtime', 'info', 'py@1.1.0', '--registry', reg], home);
    const json = await runway(['runtime', 'info', 'py@1.0.0', '--registry', reg, '--json'], home);
    for (const run of [list, info, one, json]) {
      expect(run.exitCode).toBe(0);
      expect(run.stdout).not.toMatch(RAW_CONTROL);
      expect(run.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(list.stderr).toContain(': name "bad\\x1b[2J\\nerror: forged line\\x9b31m\\u202e" is not valid');
    expect(list.stdout.split('\n')).toHaveLength(2);
    expect(info.stdout).toContain('evil \\x1b[2J\\nerror: forged line\\x9b31m\\u202e');
    expect(one.stdout).toContain('deprecated: \\x1b[2J\\nerror: forged line');
    expect(JSON.parse(json.stdout).description).toBe(`evil ${forged}`);
  });

  it('refuses prototype-named versions, deep JSON, and over-long names with a clear error, never a stack trace', async () => {
    const home = await testdir();
    const reg = await hostileRegistry({ py: { '1.0.0': entryFor('1.0.0', pkg, ['ubuntu-amd64']) } }, { 'py-1.0.0.tar.gz': pkg });
    const deep = await hostileRegistry(`{"version": "1", "updated_at": "2025-01-01T00:00:00Z", "runtimes": {}, "x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    const cases: Array<[string[], RegExp]> = [
      [['runtime', 'install', 'py@__proto__', '--registry', reg, '--dir', join(home, 'rt')], /^error: py@__proto__ is not in the registry\n/],
      [['runtime', 'info', 'py@constructor', '--registry', reg], /^error: py@constructor is not in the registry\n/],
      [['runtime', 'info', `${'x'.repeat(100_000)}`, '--registry', reg], /^error: runtime "x{80}…" is not in any configured registry\n/],
      [['runtime', 'verify', `py@${'1'.repeat(5000)}.0.0`], /^error: "1{80}…" is not a valid runtime version\n/],
      [['runtime', 'list', '--registry', deep], /^error: .*registry\.json:1:\d+: registry is nested more than 64 levels deep\n/],
    ];
    for (const [args, message] of cases) {
      const run = await runway(args, home);
      expect(afterNotice(run.stderr)).toMatch(message);
      expect(run.stderr).not.toContain('internal error');
      expect(run.exitCode).toBe(1);
    }
  });

  it('bounds every registry read: a trickling server fails at --timeout, an oversize file at --max-registry-size', async () => {
    const home = await testdir();
    const server = await httpServer((_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write(' '), 200);
      res.on('close', () => clearInterval(drip));
    });
    const trickle = await runway(['runtime', 'list', '--registry', `${server.url}/registry.json`, '--timeout', '1'], home);
    expect(trickle.stderr).toMatch(/^error: GET http:\/\/127\.0\.0\.1:\d+\/registry\.json did not complete within 1 s/);
    expect(trickle.stderr).toContain('(temporary failure: re-run to retry)');
    expect(trickle.exitCode).toBe(75);
    const big = await hostileRegistry(`{"version": "1", "updated_at": "2025-01-01T00:00:00Z", "runtimes": {}}${' '.repeat(4096)}`);
    const oversize = await runway(['runtime', 'list', '--registry', big, '--max-registry-size', '2K'], home);
    expect(oversize.stderr).toContain(`error: the registry at ${join(big, 'registry.json')} is larger than the 2048-byte cap`);
    expect(oversize.exitCode).toBe(1);
  });

  it('shows archive entry names escaped when verify reports them', async () => {
    const home = await testdir();
    const evil = 'py/\x1b[31mevil\nerror: forged';
    const named = tgzBytes([{ path: 'py/', type: '5' }, { path: evil, content: 'x' } as RawTarEntry]);
    const reg = await hostileRegistry({ py: { '1.0.0': entryFor('1.0.0', named, ['ubuntu-amd64']) } }, { 'py-1.0.0.tar.gz': named });
    const dir = join(home, 'rt');
    expect((await runway(['runtime', 'install', 'py@1.0.0', '--registry', reg, '--dir', dir, '--platform', 'ubuntu-amd64'], home)).exitCode).toBe(0);
    await appendFile(join(dir, 'py-1.0.0', evil.slice(3)), 'tampered');
    const verify = await runway(['runtime', 'verify', 'py@1.0.0', '--dir', dir], home);
    expect(verify.exitCode).toBe(1);
    expect(verify.stderr).toContain('modified: \\x1b[31mevil\\nerror: forged (content changed)');
    expect(verify.stderr).not.toMatch(RAW_CONTROL);
  });
});

describe('runway runtime: environment mistakes get clear errors', () => {
  const pkg = tgzBytes([{ path: 'py/', type: '5' }, { path: 'py/setup.sh', content: 'echo\n', mode: 0o755 }]);

  it('reports --dir below a file as a user error', async () => {
    const home = await testdir({ file: 'x' });
    const reg = await hostileRegistry({ py: { '1.0.0': entryFor('1.0.0', pkg, ['ubuntu-amd64']) } }, { 'py-1.0.0.tar.gz': pkg });
    const run = await runway(['runtime', 'install', 'py@1.0.0', '--registry', reg, '--dir', join(home, 'file', 'rt'), '--platform', 'ubuntu-amd64'], home);
    expect(afterNotice(run.stderr)).toMatch(/^error: cannot install py@1\.0\.0 into .*file\/rt: a part of the path is a file, not a folder/);
    expect(run.exitCode).toBe(1);
  });

  it('reports a missing registry folder as missing, not as a temporary GitHub failure', async () => {
    const home = await testdir();
    const project = await testdir();
    const github = await httpServer((_req, res) => void res.writeHead(404).end());
    const env = { GITHUB_API_URL: github.url };
    const fresh = await runway(['runtime', 'list', '--registry', 'dist/registry'], home, { cwd: project, env });
    expect(fresh.stderr).toMatch(/^error: "dist\/registry" is neither a registry folder or file here \(.*\/dist\/registry does not exist\) nor a GitHub repository that could be read/);
    expect(fresh.stderr).toContain('fix: write ./dist/registry for a local folder, or github:dist/registry for the repository');
    await mkdir(join(project, 'dist'));
    const built = await runway(['runtime', 'list', '--registry', 'dist/registry'], home, { cwd: project, env });
    expect(built.stderr).toMatch(/^error: no such registry folder or file: .*\/dist\/registry\n/);
    for (const run of [fresh, built]) {
      expect(run.stderr).not.toContain('temporary failure');
      expect(run.exitCode).toBe(1);
    }
    expect(github.requests).toHaveLength(1);
  });

  it('says when no version supports the platform, listing what exists and how to force one', async () => {
    const home = await testdir();
    const reg = await hostileRegistry({ 'python-3.11': {
      '1.0.0': { ...entryFor('1.0.0', pkg, ['ubuntu-amd64']), download_url: 'p.tar.gz' },
      '1.1.0': { ...entryFor('1.1.0', pkg, ['ubuntu-amd64', 'ubuntu-arm64']), download_url: 'p.tar.gz' },
    } });
    const run = await runway(['runtime', 'install', 'python-3.11', '--registry', reg, '--platform', 'debian-amd64', '--dir', join(home, 'rt')], home);
    expect(afterNotice(run.stderr)).toBe('error: python-3.11 has no version for debian-amd64; its versions support ubuntu-amd64 (1.0.0, 1.1.0), ubuntu-arm64 (1.1.0)\n'
      + '  fix: to install it anyway, name a supported platform: --platform ubuntu-amd64');
    expect(run.exitCode).toBe(1);
  });
});
