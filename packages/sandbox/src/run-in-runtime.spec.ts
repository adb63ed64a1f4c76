import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import { runInRuntime } from './run-in-runtime';

const hasBwrap = execaSync('bwrap', ['--version'], { reject: false }).exitCode === 0;
if (!hasBwrap && !process.env.CI) {
  console.warn('\n*** bubblewrap is not installed: SKIPPING the sandbox specs (apt-get install -y bubblewrap) ***\n');
}
const isRoot = process.getuid?.() === 0;
const hasSetpriv = execaSync('setpriv', ['--version'], { reject: false }).exitCode === 0;

/**
 * A real runtime to run in: bash-5.2's setup copies the host's bash, ls, cat and env with their
 * libraries (offline, about a second) and writes runtime.yml, exactly as an install does.
 */
async function bashRuntime(parent: string): Promise<string> {
  const dir = join(parent, 'bash-5.2-1.0.0');
  const setup = await execa(join(REPO_ROOT, 'runtimes/bash-5.2/setup.sh'), [], {
    reject: false, all: true, env: { RUNTIME_DIR: dir, RUNTIME_NAME: 'bash-5.2', RUNTIME_VERSION: '1.0.0' },
  });
  expect(setup.exitCode, setup.all).toBe(0);
  return dir;
}

// Under a truthy CI a missing bwrap is not skipped: the specs then fail with the install hint.
describe.skipIf(!hasBwrap && !process.env.CI)('runInRuntime (real bubblewrap)', () => {
  let runtime: string;
  let shared: string;
  // One runtime for the whole file: the tests only read it.
  beforeAll(async () => {
    shared = await mkdtemp(join(tmpdir(), 'runway-sandbox-'));
    runtime = await bashRuntime(shared);
  });
  afterAll(() => rm(shared, { recursive: true, force: true }));

  it('runs a command inside the runtime and passes its exit code and output through', async () => {
    const r = await runInRuntime({ runtimeDir: runtime, command: ['bash', '-c', 'echo out; echo err >&2; exit 7'], output: 'capture' });
    expect(r).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n', truncated: false });
  });

  it('shows only the runtime: its mounts, a fresh /proc and /dev, its environment, no host files', async () => {
    const r = await runInRuntime({
      runtimeDir: runtime, output: 'capture', env: { EXTRA: 'yes' },
      // Only bash, ls, cat and env exist in this runtime: no sort, grep or head from the host.
      command: ['bash', '-c', 'ls /; echo ---; env; echo ---; ls /proc/1 >/dev/null && echo proc; ls /dev/null && echo dev; ls /work 2>&1; type sort 2>&1; true'],
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const [root, env, rest] = r.stdout.split('---\n');
    expect(root.split('\n').filter(Boolean).sort()).toEqual(['bin', 'dev', 'etc', 'lib', 'lib64', 'proc', 'tmp', 'usr'].filter((d) => d !== 'lib64' || process.arch === 'x64'));
    // bash adds PWD, SHLVL and _ itself; nothing comes from the host.
    expect(env.split('\n').filter((l) => l && !/^(PWD|SHLVL|_)=/.test(l)).sort()).toEqual(['EXTRA=yes', 'HOME=/tmp', 'PATH=/usr/bin:/bin']);
    expect(rest).toContain('proc\n/dev/null\ndev\n');
    expect(rest).toMatch(/\/work': No such file or directory/);
    expect(rest).toMatch(/sort: not found/);
  });

  it('keeps the runtime read-only and /tmp writable, and leaves nothing behind in the runtime', async () => {
    const r = await runInRuntime({ runtimeDir: runtime, output: 'capture', command: ['bash', '-c', 'echo x > /usr/bin/new; echo x > /etc/x; echo ok > /tmp/t && cat /tmp/t; echo > /newfile'] });
    expect(r.stderr).toMatch(/\/usr\/bin\/new: Read-only file system/);
    expect(r.stderr).toMatch(/\/etc\/x: Read-only file system/);
    expect(r.stderr).toMatch(/\/newfile: Read-only file system/);
    expect(r.stdout).toBe('ok\n');
    await expect(readFile(join(runtime, 'isolated/tmp/t'))).rejects.toThrow();
  });

  it('binds writable mounts to a scratch folder when asked, so output can be kept', async () => {
    const scratch = await testdir();
    const r = await runInRuntime({ runtimeDir: runtime, scratchDir: scratch, output: 'capture', command: ['bash', '-c', 'echo kept > /tmp/result'] });
    expect(r.exitCode).toBe(0);
    expect(await readFile(join(scratch, 'tmp/result'), 'utf8')).toBe('kept\n');
  });

  it('streams output in inherit mode (a child process shows what reaches its stdout)', async () => {
    const script = `require(${JSON.stringify(join(__dirname, 'run-in-runtime.ts'))}).runInRuntime({ runtimeDir: ${JSON.stringify(runtime)}, command: ['bash', '-c', 'echo streamed; exit 3'] }).then((r) => { process.exitCode = r.exitCode; })`;
    const r = await execa(process.execPath, ['--require', join(REPO_ROOT, 'packages/ts-register/register.js'), '-e', script], { reject: false, cwd: REPO_ROOT });
    expect([r.exitCode, r.stdout]).toEqual([3, 'streamed']);
  });

  it('refuses a runtime.yml whose mount escapes the runtime folder through a symlink', async () => {
    const dir = await testdir({ 'runtime.yml': 'mounts:\n  - source: isolated/usr\n    target: /usr\n' });
    await mkdir(join(dir, 'isolated'));
    await symlink('/usr', join(dir, 'isolated/usr'));
    await expect(runInRuntime({ runtimeDir: dir, command: ['true'] })).rejects.toThrow(/resolves to \/usr, outside the runtime folder/);
  });

  it('refuses a runtime.yml with an escaping source before running anything', async () => {
    const dir = await testdir({ 'runtime.yml': 'mounts:\n  - source: ../../etc\n    target: /etc\n' });
    await expect(runInRuntime({ runtimeDir: dir, command: ['true'] })).rejects.toThrow(/leaves the runtime folder/);
  });

  it('says what to install when bwrap is missing, and reports bwrap setup failures as user errors', async () => {
    await expect(runInRuntime({ runtimeDir: runtime, command: ['true'], bwrap: '/nonexistent/bwrap' })).rejects.toMatchObject({ name: 'UserError', hint: expect.stringContaining('apt-get install bubblewrap') });
    const fake = join(await testdir(), 'bwrap');
    await writeFile(fake, '#!/bin/sh\necho "bwrap: Creating new namespace failed: Operation not permitted" >&2\nexit 1\n');
    await chmod(fake, 0o755);
    const err = await runInRuntime({ runtimeDir: runtime, command: ['true'], bwrap: fake, output: 'capture' }).catch((e) => e);
    expect(err).toMatchObject({ name: 'UserError', message: expect.stringContaining('Creating new namespace failed'), hint: expect.stringContaining('user namespaces') });
  });

  it('kills a command that outlives its deadline', async () => {
    await expect(runInRuntime({ runtimeDir: runtime, command: ['bash', '-c', 'while :; do :; done'], timeoutMs: 1500 })).rejects.toThrow(/did not finish within 1500 ms/);
  });

  it.runIf(isRoot && hasSetpriv)('also works unprivileged, through user namespaces', async () => {
    // The runtime must be readable by the unprivileged user, as an install under its home would be.
    await execa('chmod', ['-R', 'go+rX', shared]);
    const wrapper = join(await testdir(), 'bwrap-as-nobody');
    await writeFile(wrapper, `#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups ${await which('bwrap')} "$@"\n`);
    await chmod(wrapper, 0o755);
    await chmod(join(wrapper, '..'), 0o755);
    const r = await runInRuntime({ runtimeDir: runtime, bwrap: wrapper, output: 'capture', command: ['bash', '-c', 'echo "uid=$(id -u 2>/dev/null || echo $UID)"; ls /usr/bin/bash'] });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('uid=65534\n/usr/bin/bash\n');
  });
});

async function which(name: string): Promise<string> {
  return (await execa('sh', ['-c', `command -v ${name}`])).stdout.trim();
}
