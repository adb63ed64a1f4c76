import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { describe, expect, it, vi } from 'vitest';
import { execa } from 'execa';
import { testdir, type FixtureFile } from '@runway/test-utils';
import executors from '../../../executors.json';
import releaseBatchExecutor, { type BatchTaskResult } from './batch-executor';

function runtime(name: string, version: string): Record<string, FixtureFile> {
  return {
    [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: "${name}"\nplatforms:\n  - ubuntu-amd64\n`,
    [`runtimes/${name}/setup.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
    [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
  };
}

const names = ['alpha', 'beta', 'broken'];

function batch(root: string): Parameters<typeof releaseBatchExecutor> {
  const tasks = Object.fromEntries(names.map((n) => [`${n}:release`, { id: `${n}:release`, target: { project: n, target: 'release' }, overrides: {} }]));
  const taskGraph = { roots: Object.keys(tasks), tasks, dependencies: {}, continuousDependencies: {} } as unknown as TaskGraph;
  const context = {
    root, cwd: root, isVerbose: false,
    projectsConfigurations: { version: 2, projects: Object.fromEntries(names.map((n) => [n, { root: `runtimes/${n}` }])) },
  } as unknown as ExecutorContext;
  return [taskGraph, Object.fromEntries(names.map((n) => [`${n}:release`, { registryDir: 'out' }])), {}, context];
}

async function collect(results: AsyncGenerator<BatchTaskResult>): Promise<BatchTaskResult[]> {
  const all: BatchTaskResult[] = [];
  for await (const r of results) all.push(r);
  // Tasks run concurrently and are reported as they end: compare in a stable order.
  return all.sort((a, b) => a.task.localeCompare(b.task));
}

describe('release batch executor', () => {
  it('is the preferred batch entry of the release executor', () => {
    expect(executors.executors.release).toMatchObject({ batchImplementation: './src/executors/release/batch-executor.ts', preferBatch: true });
  });

  it('releases every task in one process, reporting each with its own output, and a failure only fails its task', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', '');
    vi.stubEnv('GITHUB_API_URL', '');
    vi.stubEnv('GITHUB_REF', '');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const root = await testdir({ '.gitignore': 'out/\n', ...runtime('alpha', '1.0.0'), ...runtime('beta', '0.2.0'), ...runtime('broken', '1.0') });
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };
    for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'initial']]) await execa('git', args, { cwd: root, env });
    try {
      const first = await collect(releaseBatchExecutor(...batch(root)));
      expect(first.map((r) => [r.task, r.result.success])).toEqual([['alpha:release', true], ['beta:release', true], ['broken:release', false]]);
      expect(first[0].result.terminalOutput).toContain('alpha@1.0.0: released');
      expect(first[0].result.terminalOutput).not.toContain('beta');
      expect(first[2].result.terminalOutput).toContain('error: runtimes/broken is not valid');
      expect(first[2].result.terminalOutput).not.toMatch(/\n\s+at /);
      const registry = await readFile(join(root, 'out', 'registry.json'), 'utf8');
      expect(Object.keys(JSON.parse(registry).runtimes)).toEqual(['alpha', 'beta']);

      const second = await collect(releaseBatchExecutor(...batch(root)));
      expect(second[1].result.terminalOutput).toContain('beta@0.2.0: already-released');
      expect(await readFile(join(root, 'out', 'registry.json'), 'utf8')).toBe(registry);
      // Output goes to Nx as each task's terminal output, never streamed twice.
      expect(out.mock.calls.map((c) => String(c[0])).join('')).not.toContain('alpha@1.0.0');

      // The working tree is checked once for the batch: dirty, every task fails with the list, no stack.
      await writeFile(join(root, 'runtimes', 'alpha', 'stray.txt'), 'x\n');
      const dirty = await collect(releaseBatchExecutor(...batch(root)));
      expect(dirty.map((r) => r.result.success)).toEqual([false, false, false]);
      for (const r of dirty) {
        expect(r.result.terminalOutput).toContain('uncommitted change(s)');
        expect(r.result.terminalOutput).toContain('?? runtimes/alpha/stray.txt');
        expect(r.result.terminalOutput).not.toMatch(/\n\s+at /);
      }
    } finally {
      out.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
