import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testdir } from '@runway/test-utils';
import buildExecutor from './executor';

const runtime = (version: string) => ({
  'runtimes/demo/manifest.yaml': `name: demo\nversion: ${version}\ndescription: demo\nplatforms: [ubuntu-amd64]\n`,
  'runtimes/demo/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  'runtimes/demo/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
});

function contextFor(root: string): ExecutorContext {
  return {
    root, cwd: root, isVerbose: false, projectName: 'demo',
    projectsConfigurations: { version: 2, projects: { demo: { root: 'runtimes/demo' } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  };
}

function captureConsole() {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args) => void out.push(args.join(' ')));
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('build executor', () => {
  it('writes the tarball and its .sha256 under outputPath and prints both', async () => {
    const root = await testdir(runtime('1.2.3'));
    const out = captureConsole();
    vi.stubEnv('SOURCE_DATE_EPOCH', '1700000000');

    const result = await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root));

    expect(result).toEqual({ success: true });
    const sumLine = await readFile(join(root, 'dist/runtimes/demo/demo-1.2.3.tar.gz.sha256'), 'utf8');
    const [sha256, fileName] = sumLine.trim().split(/ {2}/);
    expect(fileName).toBe('demo-1.2.3.tar.gz');
    expect(out.join('\n')).toContain(`dist/runtimes/demo/demo-1.2.3.tar.gz  sha256:${sha256}`);
  });

  it('fails with the formatted manifest issues and builds nothing', async () => {
    const root = await testdir(runtime('v1.2'));
    const out = captureConsole();

    expect(await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root))).toEqual({ success: false });
    expect(out.join('\n')).toContain('runtimes/demo/manifest.yaml');
    expect(out.join('\n')).toMatch(/version/);
  });

  it('reports a malformed SOURCE_DATE_EPOCH as a user error instead of throwing', async () => {
    const root = await testdir(runtime('1.2.3'));
    const out = captureConsole();
    vi.stubEnv('SOURCE_DATE_EPOCH', 'yesterday');

    expect(await buildExecutor({ outputPath: 'dist/runtimes/demo' }, contextFor(root))).toEqual({ success: false });
    expect(out.join('\n')).toMatch(/^error: SOURCE_DATE_EPOCH must be whole seconds/m);
  });
});
