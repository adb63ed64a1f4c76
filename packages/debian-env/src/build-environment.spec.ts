import { cp, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '@runway/manifest';
import { runInRuntime } from '@runway/sandbox';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import { buildEnvironment, type BuiltEnvironment } from './build-environment';
import { debFileName } from './check-lock';
import { debCacheDir } from './deb-cache-dir';
import { readRuntimeManifest } from './lock-file';
import { parseLock, serializeLock } from './lock-format';
import { BUILD_TIMEOUT_MS, installWithClient, reportBuild, sharedDir, SKIP_REAL_BUILDS, upstreamVersion } from './testing/real-builds';

const SOURCE = join(REPO_ROOT, 'runtimes/python-3.11');
const EPOCH = 1_700_000_000;

/** The runtime's version as committed (a lock refresh bumps it). */
const shippedVersion = async () => (await readRuntimeManifest(SOURCE)).version;

/** A fresh "checkout" of the runtime folder: copied, with its own (different) file times. */
async function checkout(mtime: number): Promise<string> {
  const dir = join(await testdir(), 'python-3.11');
  await cp(SOURCE, dir, { recursive: true });
  for (const name of await readdir(dir)) await utimes(join(dir, name), mtime, mtime);
  return dir;
}

describe.skipIf(SKIP_REAL_BUILDS)('buildEnvironment (real mmdebstrap, real Debian packages)', () => {
  const shared = sharedDir('runway-debian-env-build-');
  const kept = () => join(shared(), 'kept-rootfs');
  const built: BuiltEnvironment[] = [];

  it('builds python-3.11 for debian-amd64 byte for byte the same from two checkouts, build folders and clocks', async () => {
    const first = await buildEnvironment({
      projectDir: await checkout(1_000_000_000), platform: 'debian-amd64', outDir: join(shared(), 'out-1'), sourceDateEpoch: EPOCH,
      workDir: await testdir(), rootfsCacheDir: kept(), // populated by this build; the second one runs mmdebstrap again
    });
    reportBuild('python-3.11 debian-amd64 (first)', first);
    await new Promise((r) => setTimeout(r, 1500)); // a later wall clock for the second build
    const second = await buildEnvironment({ projectDir: await checkout(1_600_000_000), platform: 'debian-amd64', outDir: join(shared(), 'out-2'), sourceDateEpoch: String(EPOCH), workDir: await testdir() });
    reportBuild('python-3.11 debian-amd64 (second)', second);
    built.push(first, second);

    expect(second.rootfsFromCache).toBe(false);
    expect(second.sha256).toBe(first.sha256);
    // Compared as bytes (a deep-equal of two 50 MB buffers would take minutes).
    expect(Buffer.compare(await readFile(second.path), await readFile(first.path))).toBe(0);
    const fileName = `python-3.11-${await shippedVersion()}-debian-amd64.tar.gz`;
    expect(first.fileName).toBe(fileName);
    expect(await readFile(first.sha256File, 'utf8')).toBe(`${first.sha256}  ${fileName}\n`);
    const check = await execa('sha256sum', ['--check', first.sha256File], { cwd: join(shared(), 'out-1'), reject: false });
    expect(check.stdout).toBe(`${fileName}: OK`);
    // The lock of exactly what went in, beside the tarball.
    const lock = parseLock(await readFile(first.lockFile, 'utf8'));
    expect(Object.keys(lock.platforms)).toEqual(['debian-amd64']);
    expect(lock.platforms['debian-amd64']).toEqual(parseLock(await readFile(join(SOURCE, 'debian.lock.json'), 'utf8')).platforms['debian-amd64']);
  }, 2 * BUILD_TIMEOUT_MS);

  it('packs one folder holding runtime.yml and isolated/, with safe links, no devices, fixed owners and times', async () => {
    const [first] = built;
    const { stdout } = await execa('tar', ['--list', '--verbose', '--numeric-owner', '--full-time', '--gzip', '--file', first.path], { maxBuffer: 256 * 1024 * 1024, env: { TZ: 'UTC' } });
    const lines = stdout.split('\n');
    expect(lines.length).toBeGreaterThan(3000);
    const paths = lines.map((l) => l.split(/\s+/)[5]);
    expect(new Set(paths.map((p) => p.split('/')[0]))).toEqual(new Set(['python-3.11']));
    expect(new Set(paths.map((p) => p.split('/')[1]).filter(Boolean))).toEqual(new Set(['runtime.yml', 'isolated']));
    expect(new Set(lines.map((l) => l[0]))).toEqual(new Set(['d', '-', 'l'])); // no devices, FIFOs or hard links
    expect(new Set(lines.map((l) => l.split(/\s+/)[1]))).toEqual(new Set(['0/0']));
    expect(new Set(lines.map((l) => l.split(/\s+/).slice(3, 5).join(' ')))).toEqual(new Set(['2023-11-14 22:13:20']));
    const targets = lines.filter((l) => l[0] === 'l').map((l) => l.split(' -> ')[1]);
    expect(targets.filter((t) => t.startsWith('/'))).toEqual([]);
    expect(lines.filter((l) => / python-3\.11\/isolated\/(bin|lib|lib64|sbin) -> /.test(l)).map((l) => l.split(/\s+/).slice(5).join(' '))).toEqual([
      'python-3.11/isolated/bin -> usr/bin', 'python-3.11/isolated/lib -> usr/lib', 'python-3.11/isolated/lib64 -> usr/lib64', 'python-3.11/isolated/sbin -> usr/sbin',
    ]);
    // Lean: no manuals, translations or documentation beyond the copyright files.
    expect(paths.filter((p) => /\/usr\/share\/(man|locale|info)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => p.includes('/usr/share/doc/') && !p.endsWith('/') && !p.endsWith('/copyright'))).toEqual([]);
    // No host files, no package lists or downloaded .debs (apt's empty skeleton, `lock` and `partial/`, stays).
    expect(paths.filter((p) => /\/etc\/(resolv\.conf|hostname)$|\/var\/lib\/apt\/lists\/(?!lock$|partial\/$).+|\/var\/cache\/apt\/archives\/.+\.deb$/.test(p))).toEqual([]);
  });

  it('installs with the client\'s safe extractor and runs Python in the sandbox, with the locked version', async () => {
    const [first] = built;
    const runtime = await installWithClient(first, 'python-3.11', await testdir());
    const r = await runInRuntime({ runtimeDir: runtime, output: 'capture', command: ['python3', '-c', 'import sys, ssl, sqlite3, os; print(sys.version.split()[0]); print(os.readlink("/etc/alternatives/awk") if os.path.islink("/etc/alternatives/awk") else "")'] });
    expect(r.stderr).toBe('');
    const python = first.lock.platforms['debian-amd64'].packages.find((p) => p.name === 'python3.11')!;
    expect(r.stdout.split('\n')[0]).toBe(upstreamVersion(python.version));
    expect(r.stdout.split('\n')[1]).toBe('../../usr/bin/mawk');
    expect(first.smoke?.stdout).toContain(upstreamVersion(python.version));
  }, BUILD_TIMEOUT_MS);

  it('kept every .deb it used in the cache, checked against the lock', async () => {
    const cache = process.env.RUNWAY_DEB_CACHE || debCacheDir(process.env, homedir());
    for (const pkg of built[0].lock.platforms['debian-amd64'].packages) expect((await stat(join(cache, debFileName(pkg)))).size).toBe(pkg.size);
  });

  it('fails on a failing smoke command with its output, and packs nothing (also removes stale outputs)', async () => {
    const dir = await checkout(1_000_000_000);
    const text = (await readFile(join(dir, 'manifest.yaml'), 'utf8')).replace(/^smoke: .*$/m, 'smoke: "echo broken-on-purpose >&2; python3 -c \'import no_such_module\'"');
    const manifest = parseManifest(text, { file: 'manifest.yaml', kind: 'runtime', folderName: 'python-3.11' }).manifest!;
    const out = join(shared(), 'out-smoke');
    await mkdir(out, { recursive: true });
    const version = await shippedVersion();
    await writeFile(join(out, `python-3.11-${version}-debian-amd64.tar.gz`), 'stale');
    await writeFile(join(out, `python-3.11-${version}-debian-amd64.tar.gz.sha256`), 'stale');
    const err = await buildEnvironment({ projectDir: dir, manifest, platform: 'debian-amd64', outDir: out, sourceDateEpoch: EPOCH, rootfsCacheDir: kept() }).catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toContain(`the smoke test of python-3.11 ${version} (debian-amd64) failed with exit code 1; nothing was packed`);
    expect(err.message).toContain('broken-on-purpose');
    expect(err.message).toContain("ModuleNotFoundError: No module named 'no_such_module'");
    expect(err.hint).toContain('smoke');
    expect(await readdir(out)).toEqual([]);
  }, BUILD_TIMEOUT_MS);

  it('fails clearly, naming package and version, when the mirror does not serve a locked version', async () => {
    const dir = await checkout(1_000_000_000);
    const lock = parseLock(await readFile(join(dir, 'debian.lock.json'), 'utf8'));
    const packages = lock.platforms['debian-amd64'].packages.map((p) => (p.name === 'hostname' ? { ...p, version: '9.9.9-9' } : p));
    await writeFile(join(dir, 'debian.lock.json'), serializeLock({ ...lock, platforms: { 'debian-amd64': { ...lock.platforms['debian-amd64'], packages } } }));
    const out = join(shared(), 'out-gone');
    const err = await buildEnvironment({ projectDir: dir, platform: 'debian-amd64', outDir: out, sourceDateEpoch: EPOCH, workDir: await testdir() }).catch((e) => e);
    expect(err.name).toBe('UserError');
    expect(err.message).toContain('the Debian mirror no longer serves hostname=9.9.9-9');
    expect(err.hint).toContain('refresh the lock');
    expect(err.hint).toContain('bump the runtime version');
    expect(await readdir(out)).toEqual([]);
  }, BUILD_TIMEOUT_MS);
});

describe('buildEnvironment refuses early, before any slow step', () => {
  it('a lock that no longer matches the manifest', async () => {
    const dir = await checkout(1_000_000_000);
    const text = (await readFile(join(dir, 'manifest.yaml'), 'utf8')).replace('    - python3\n', '    - python3\n    - python3-yaml\n');
    await writeFile(join(dir, 'manifest.yaml'), text);
    const err = await buildEnvironment({ projectDir: dir, platform: 'debian-amd64', outDir: await testdir() }).catch((e) => e);
    expect(err.message).toContain('debian.lock.json is out of date with python-3.11\'s manifest: the manifest added python3-yaml');
    expect(err.hint).toContain('bump "version"');
  });

  it.runIf(process.arch === 'x64')('a platform this machine cannot build, saying why', async () => {
    const err = await buildEnvironment({ projectDir: SOURCE, platform: 'debian-arm64', outDir: await testdir() }).catch((e) => e);
    expect(err.message).toContain('cannot build debian-arm64 on this machine: debian-arm64 needs an arm64 machine, or binfmt_misc with qemu-user');
  });

  it('a platform that is not prebuilt for this runtime', async () => {
    const err = await buildEnvironment({ projectDir: SOURCE, platform: 'ubuntu-amd64', outDir: await testdir() }).catch((e) => e);
    expect(err.message).toContain('python-3.11 has no prebuilt ubuntu-amd64 environment (its prebuilt platforms: debian-amd64, debian-arm64)');
  });
});
