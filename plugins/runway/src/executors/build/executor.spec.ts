import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { execa } from 'execa';
import { list } from 'tar';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { availablePlatforms, type DebianPlatform } from '@runway/debian-env';
import { testdir, type FixtureFile } from '@runway/test-utils';
import buildExecutor from './executor';

const runtime = (version: string): Record<string, FixtureFile> => ({
  'runtimes/demo/manifest.yaml': `name: demo\nversion: ${version}\ndescription: demo\nplatforms: [ubuntu-amd64]\n`,
  'runtimes/demo/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  'runtimes/demo/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
});

/** The runtime committed in a fresh git repository (a package holds what git tracks). */
async function repo(files: Record<string, FixtureFile>): Promise<string> {
  const root = await testdir(files);
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'demo']]) await execa('git', args, { cwd: root, env });
  return root;
}

function contextFor(root: string): ExecutorContext {
  return {
    root, cwd: root, isVerbose: false, projectName: 'demo',
    projectsConfigurations: { version: 2, projects: { demo: { root: 'runtimes/demo' } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  };
}

/** What the executor writes to stdout and stderr (through the redacting logger). */
function captureOutput() {
  const out: string[] = [];
  const capture = (chunk: string | Uint8Array) => void out.push(String(chunk).replace(/\n$/, ''));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => capture(chunk) ?? true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => capture(chunk) ?? true);
  return out;
}

let available: DebianPlatform[] = [];
beforeAll(async () => {
  available = await availablePlatforms();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('build executor', () => {
  it('writes the tarball and its .sha256 under outputPath and prints both', async () => {
    const root = await repo(runtime('1.2.3'));
    const out = captureOutput();
    vi.stubEnv('SOURCE_DATE_EPOCH', '1700000000');

    const result = await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root));

    expect(result).toEqual({ success: true });
    const sumLine = await readFile(join(root, 'dist/runtimes/demo/demo-1.2.3.tar.gz.sha256'), 'utf8');
    const [sha256, fileName] = sumLine.trim().split(/ {2}/);
    expect(fileName).toBe('demo-1.2.3.tar.gz');
    expect(out.join('\n')).toContain(`dist/runtimes/demo/demo-1.2.3.tar.gz  sha256:${sha256}`);
  });

  it('fails with the formatted manifest issues and builds nothing', async () => {
    const root = await repo(runtime('v1.2'));
    const out = captureOutput();

    expect(await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root))).toEqual({ success: false });
    expect(out.join('\n')).toContain('runtimes/demo/manifest.yaml');
    expect(out.join('\n')).toMatch(/version/);
  });

  it('reports a malformed SOURCE_DATE_EPOCH as a user error instead of throwing', async () => {
    const root = await repo(runtime('1.2.3'));
    const out = captureOutput();
    vi.stubEnv('SOURCE_DATE_EPOCH', 'yesterday');

    expect(await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root))).toEqual({ success: false });
    expect(out.join('\n')).toMatch(/^error: SOURCE_DATE_EPOCH must be whole seconds/m);
  });

  it('packs what git tracks, leaving an ignored log and an untracked .env out', async () => {
    const root = await repo({ ...runtime('1.2.3'), '.gitignore': '*.log\n' });
    await writeFile(join(root, 'runtimes/demo/debug.log'), 'noise\n');
    await writeFile(join(root, 'runtimes/demo/.env'), 'TOKEN=x\n');
    captureOutput();
    expect(await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root))).toEqual({ success: true });
    const listed: string[] = [];
    await list({ file: join(root, 'dist/runtimes/demo/demo-1.2.3.tar.gz'), onReadEntry: (e) => void listed.push(e.path) });
    expect(listed).toEqual(['demo/', 'demo/manifest.yaml', 'demo/setup-ubuntu-amd64.sh', 'demo/setup.sh']);
  });

  it('skips a prebuilt platform this machine cannot build with one notice line, and still packs the source package', async () => {
    const platform = ['debian-arm64', 'debian-amd64'].find((p) => !available.includes(p as DebianPlatform));
    if (!platform) throw new Error(`this machine builds ${available.join(' and ')}: no platform left to show the skip with`);
    const root = await repo({
      'runtimes/demo/manifest.yaml': `name: demo\nversion: 1.2.3\ndescription: demo\nplatforms: [${platform}]\ndebian:\n  suite: bookworm\n  packages: [busybox]\n`,
      'runtimes/demo/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    });
    const out = captureOutput();
    expect(await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root))).toEqual({ success: true });
    const notices = out.filter((line) => line.includes('notice:'));
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^notice: ${platform} environment skipped: \\S`))]);
    expect((await readdir(join(root, 'dist/runtimes/demo'))).sort()).toEqual(['demo-1.2.3.tar.gz', 'demo-1.2.3.tar.gz.sha256']);
  });

  it('without mmdebstrap and bwrap on PATH, skips every prebuilt platform saying what to install, and packs the source package', async () => {
    const root = await repo({
      'runtimes/demo/manifest.yaml': 'name: demo\nversion: 1.2.3\ndescription: demo\nplatforms: [debian-amd64, debian-arm64]\ndebian:\n  suite: bookworm\n  packages: [busybox]\n',
      'runtimes/demo/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    });
    // Only git on PATH: the packer needs it, the Debian builder's tools are absent.
    const bin = await testdir();
    await symlink((await execa('sh', ['-c', 'command -v git'])).stdout, join(bin, 'git'));
    vi.stubEnv('PATH', bin);
    const out = captureOutput();
    expect(await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root))).toEqual({ success: true });
    expect(out.filter((line) => line.includes('notice:'))).toEqual(['debian-amd64', 'debian-arm64'].map((p) => `notice: ${p} environment skipped: mmdebstrap and bwrap not installed (apt-get install mmdebstrap bubblewrap)`));
    expect((await readdir(join(root, 'dist/runtimes/demo'))).sort()).toEqual(['demo-1.2.3.tar.gz', 'demo-1.2.3.tar.gz.sha256']);
  });

  it('fails with a clear message outside a git repository', async () => {
    const root = await testdir(runtime('1.2.3'));
    const out = captureOutput();
    expect(await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root))).toEqual({ success: false });
    expect(out.join('\n')).toMatch(/^error: .*runtimes\/demo is not inside a git repository/m);
    expect(out.join('\n')).not.toMatch(/\n\s+at /);
  });
});
