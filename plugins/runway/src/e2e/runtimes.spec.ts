import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateProject } from '@runway/project-files';
import { REPO_ROOT, testdir } from '@runway/test-utils';

const RUNTIMES = join(REPO_ROOT, 'runtimes');
const TEMPLATE = join(REPO_ROOT, 'plugins/runway/src/generators/runtime/files');
const runtimes = readdirSync(RUNTIMES).filter((n) => statSync(join(RUNTIMES, n)).isDirectory()).sort();

/** Every shell script of a runtime, relative to the repo root. */
function scriptsOf(name: string): string[] {
  const dir = join(RUNTIMES, name);
  const top = readdirSync(dir).filter((f) => f.endsWith('.sh')).map((f) => `runtimes/${name}/${f}`);
  const lib = readdirSync(join(dir, 'lib')).filter((f) => f.endsWith('.sh')).map((f) => `runtimes/${name}/lib/${f}`);
  return [...top, ...lib];
}

const isRoot = process.getuid?.() === 0;

describe('shipped runtimes', () => {
  it('include the five Joblet runtimes and the offline one', () => {
    expect(runtimes).toEqual(expect.arrayContaining([
      'bash-5.2', 'graalvmjdk-21', 'openjdk-21', 'python-3.11', 'python-3.11-ml', 'python-3.11-pytorch-cuda',
    ]));
  });

  it.each(runtimes)('%s validates with no errors or warnings', async (name) => {
    const result = await validateProject(REPO_ROOT, `runtimes/${name}`);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.manifest?.version).toBe(String(parse(readFileSync(join(RUNTIMES, name, 'manifest.yaml'), 'utf8')).version));
  });

  it.each(runtimes)('%s has every setup script committed as executable', async (name) => {
    const { stdout } = await execa('git', ['ls-files', '-s', `runtimes/${name}`], { cwd: REPO_ROOT });
    const modes = new Map(stdout.split('\n').filter(Boolean).map((l) => [l.split('\t')[1], l.split(' ')[0]]));
    const setups = [...modes.keys()].filter((p) => /\/setup(-[a-z]+-[a-z0-9]+)?\.sh$/.test(p));
    expect(setups.length).toBeGreaterThanOrEqual(3);
    for (const path of setups) expect([path, modes.get(path)]).toEqual([path, '100755']);
  });

  it.each(runtimes)('%s scripts pass bash -n', async (name) => {
    for (const script of scriptsOf(name)) {
      const r = await execa('bash', ['-n', script], { cwd: REPO_ROOT, reject: false });
      expect([script, r.exitCode, r.stderr]).toEqual([script, 0, '']);
    }
  });

  // tools/ci/test.sh installs shellcheck; without it this fails rather than skip silently.
  it.each(runtimes)('%s scripts are shellcheck-clean', async (name) => {
    const dir = join(RUNTIMES, name);
    const scripts = scriptsOf(name).map((s) => s.replace(`runtimes/${name}/`, ''));
    const r = await execa('shellcheck', ['-x', ...scripts], { cwd: dir, reject: false });
    expect(r.code, 'shellcheck is not installed: apt-get install -y shellcheck (tools/ci/test.sh does)').not.toBe('ENOENT');
    expect(r.stdout, r.stdout).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it.each(runtimes)('%s carries the generator’s setup.sh and lib/common.sh unchanged', (name) => {
    // One source for the shared shell code: the generator template. Runtimes carry copies because
    // each folder is packed on its own; this keeps the copies from drifting.
    expect(readFileSync(join(RUNTIMES, name, 'setup.sh'), 'utf8')).toBe(readFileSync(join(TEMPLATE, 'setup.sh.template'), 'utf8'));
    expect(readFileSync(join(RUNTIMES, name, 'lib/common.sh'), 'utf8')).toBe(readFileSync(join(TEMPLATE, 'lib/common.sh.template'), 'utf8'));
  });

  it('keeps the pip helper identical in both pip-based runtimes', () => {
    const pip = (n: string) => readFileSync(join(RUNTIMES, n, 'lib/pip.sh'), 'utf8');
    expect(pip('python-3.11-pytorch-cuda')).toBe(pip('python-3.11-ml'));
  });

  it('pins every pip package exactly and builds on the right base', async () => {
    for (const [name, base] of [['python-3.11-ml', 'python-3.11'], ['python-3.11-pytorch-cuda', 'python-3.11-ml']]) {
      const { manifest } = await validateProject(REPO_ROOT, `runtimes/${name}`);
      expect(manifest?.extends).toBe(base);
      expect(manifest?.packages.length).toBeGreaterThan(0);
      for (const pin of manifest!.packages) expect(pin).toMatch(/^[A-Za-z0-9._-]+==[0-9][^\s=]*$/);
    }
  });

  it('checks a sha256 for every tarball it downloads', () => {
    for (const name of ['python-3.11', 'openjdk-21', 'graalvmjdk-21']) {
      const install = readFileSync(join(RUNTIMES, name, 'lib/install.sh'), 'utf8');
      expect(install).toMatch(/fetch_verified /);
      expect(install.match(/\b[0-9a-f]{64}\b/g)?.length).toBeGreaterThanOrEqual(1);
      expect(install).not.toMatch(/\|\|\s*true/);
    }
  });
});

describe('setup.sh dispatcher', () => {
  const dispatch = async (osRelease: string) => {
    const dir = await testdir({ 'os-release': osRelease });
    return execa(join(RUNTIMES, 'bash-5.2/setup.sh'), [], {
      reject: false, all: true,
      env: { OS_RELEASE_FILE: join(dir, 'os-release'), RUNTIME_DIR: join(dir, 'rt'), RUNTIME_PLATFORM: undefined },
    });
  };

  it('fails clearly on an unsupported os, naming what it tried and what is supported', async () => {
    const r = await dispatch('ID=plan9\n');
    expect(r.exitCode).toBe(2);
    expect(r.all).toMatch(/unsupported platform: tried plan9-(amd64|arm64)/);
    expect(r.all).toContain('supports: debian-amd64 debian-arm64 ubuntu-amd64 ubuntu-arm64');
  });

  it('falls back to ID_LIKE (linuxmint → ubuntu)', async () => {
    const r = await dispatch('ID=linuxmint\nID_LIKE="ubuntu debian"\n');
    expect(r.all).toContain(`running setup-ubuntu-${process.arch === 'x64' ? 'amd64' : 'arm64'}.sh`);
    expect(r.exitCode, r.all).toBe(0);
  });
});

describe('bash-5.2 sets up offline into a self-contained tree', () => {
  const setup = (runtimeDir: string) => execa(join(RUNTIMES, 'bash-5.2/setup.sh'), [], {
    reject: false, all: true, env: { RUNTIME_DIR: runtimeDir, RUNTIME_NAME: 'bash-5.2', RUNTIME_VERSION: '1.0.0' },
  });

  it('builds isolated/ and runtime.yml, and bash runs from the tree', async () => {
    const dir = join(await testdir(), 'bash-5.2-1.0.0');
    const first = await setup(dir);
    expect(first.exitCode, first.all).toBe(0);
    // A second run converges instead of failing on what the first one left.
    const again = await setup(dir);
    expect(again.exitCode, again.all).toBe(0);

    const yml = parse(readFileSync(join(dir, 'runtime.yml'), 'utf8'));
    expect(yml).toMatchObject({ name: 'bash-5.2', version: '1.0.0', environment: { PATH: '/usr/bin:/bin' } });
    expect(yml.mounts).toContainEqual({ source: 'isolated/usr', target: '/usr', readonly: true });
    expect(yml.mounts).toContainEqual({ source: 'isolated/tmp', target: '/tmp', readonly: false });
    for (const m of yml.mounts) expect(statSync(join(dir, m.source)).isDirectory()).toBe(true);

    const isolated = join(dir, 'isolated');
    const loader = process.arch === 'x64' ? 'lib64/ld-linux-x86-64.so.2' : 'lib/ld-linux-aarch64.so.1';
    const libs = process.arch === 'x64' ? 'lib/x86_64-linux-gnu' : 'lib/aarch64-linux-gnu';
    const viaLoader = await execa(join(isolated, loader), ['--library-path', join(isolated, libs), join(isolated, 'usr/bin/bash'), '-c', 'echo ok'], { reject: false, all: true });
    expect(viaLoader.all).toBe('ok');

    // chroot needs root; the README's test command runs as root, so this never skips.
    expect(isRoot, 'the chroot check needs root: run the suite as root (bash tools/ci/test.sh)').toBe(true);
    // Inside the chroot nothing from the host exists: this proves the tree is complete.
    const inside = await execa('/usr/sbin/chroot', [isolated, '/usr/bin/bash', '-c', 'echo ok; ls /usr/bin; /bin/sh -c "cat /etc/group"; env'], {
      reject: false, all: true, env: { PATH: '/usr/bin:/bin' }, extendEnv: false,
    });
    expect(inside.exitCode, inside.all).toBe(0);
    expect(inside.stdout.split('\n')).toEqual(expect.arrayContaining(['ok', 'bash', 'cat', 'env', 'ls', 'root:x:0:', 'PATH=/usr/bin:/bin']));
  });

  it('names the failing step when setup fails', async () => {
    const dir = await testdir({ 'not-a-folder': 'x' });
    const r = await setup(join(dir, 'not-a-folder'));
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/setup of bash-5.2 failed while preparing .*not-a-folder/);
  });

  it('refuses to run without RUNTIME_DIR', async () => {
    const r = await execa(join(RUNTIMES, 'bash-5.2/setup.sh'), [], { reject: false, all: true, env: { RUNTIME_DIR: '' } });
    expect(r.exitCode).toBe(1);
    expect(r.all).toContain('RUNTIME_DIR is not set');
  });
});
