import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { nxWorkspace } from '@runway/test-utils';
import { addBareOrigin, nxRelease } from './nx-release-workspace';

const MANIFEST = [
  '# Python runtime used by the ML jobs',
  'name: py',
  'version: 1.0.0 # bumped by nx release',
  'description: test runtime',
  'platforms: [ubuntu-amd64]   # flow style kept',
  '',
].join('\n');

const files = {
  'runtimes/py/manifest.yaml': MANIFEST,
  'runtimes/py/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  'runtimes/py/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  'runtimes/other/manifest.yaml': 'name: other\nversion: 2.0.0\ndescription: untouched\nplatforms: [ubuntu-amd64]\n',
  'runtimes/other/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  'runtimes/other/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
};

describe('nx release with the Runway version actions (real nx, real git)', () => {
  it('nx release patch -p <name> bumps manifest.yaml keeping comments, commits and tags <name>@<version> locally (pushing is an explicit step)', async () => {
    const ws = await nxWorkspace(files);
    const origin = await addBareOrigin(ws);

    const run = await nxRelease(ws, ['patch', '-p', 'py', '--skip-publish']);
    expect(run.exitCode, String(run.all)).toBe(0);

    const text = await readFile(join(ws.dir, 'runtimes/py/manifest.yaml'), 'utf8');
    expect(text).toBe(MANIFEST.replace('version: 1.0.0 #', 'version: 1.0.1 #'));
    expect(await readFile(join(ws.dir, 'runtimes/other/manifest.yaml'), 'utf8')).toContain('version: 2.0.0');

    const tags = String((await ws.git(['tag', '--points-at', 'HEAD'])).stdout).split('\n');
    expect(tags).toEqual(['py@1.0.1']);
    expect((await ws.git(['cat-file', '-t', 'py@1.0.1'])).stdout).toBe('tag');
    expect((await ws.git(['status', '--porcelain'])).stdout).toBe('');
    expect(String((await ws.git(['show', '--name-only', '--format=', 'HEAD'])).stdout).trim()).toBe('runtimes/py/manifest.yaml');
    expect((await execa('git', ['tag'], { cwd: origin })).stdout).toBe('');
  });

  it('--dry-run shows the bump and changes nothing', async () => {
    const ws = await nxWorkspace(files);
    const run = await nxRelease(ws, ['minor', '-p', 'py', '--skip-publish', '--dry-run']);
    expect(run.exitCode, String(run.all)).toBe(0);
    expect(run.all).toContain('1.1.0');
    expect(await readFile(join(ws.dir, 'runtimes/py/manifest.yaml'), 'utf8')).toBe(MANIFEST);
    expect((await ws.git(['tag'])).stdout).toBe('');
  });

  it('refuses a prerelease bump: Runway versions are strict MAJOR.MINOR.PATCH', async () => {
    const ws = await nxWorkspace(files);
    const run = await nxRelease(ws, ['prerelease', '-p', 'py', '--skip-publish']);
    expect(run.exitCode).not.toBe(0);
    expect(run.all).toContain('strict MAJOR.MINOR.PATCH');
    expect(await readFile(join(ws.dir, 'runtimes/py/manifest.yaml'), 'utf8')).toBe(MANIFEST);
  });
});
