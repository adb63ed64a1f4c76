import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { describe, expect, it, vi } from 'vitest';
import { execa } from 'execa';
import { testdir, type FixtureFile } from '@runway/test-utils';
import schema from './schema.json';
import releaseExecutor from './executor';

const files: Record<string, FixtureFile> = {
  'runtimes/alpha/manifest.yaml': 'name: alpha\nversion: 1.0.0\ndescription: "alpha"\nplatforms:\n  - ubuntu-amd64\n',
  'runtimes/alpha/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  'runtimes/alpha/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
};

/** A committed git workspace: a release is built from a commit. */
async function repo(): Promise<string> {
  const root = await testdir({ '.gitignore': 'out/\n', ...files });
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'initial']]) await execa('git', args, { cwd: root, env });
  return root;
}

function context(root: string): ExecutorContext {
  return {
    root, cwd: root, isVerbose: false, projectName: 'alpha',
    projectsConfigurations: { version: 2, projects: { alpha: { root: 'runtimes/alpha' } } },
  } as unknown as ExecutorContext;
}

describe('release executor', () => {
  it('documents every option and allows no others', () => {
    expect(schema.additionalProperties).toBe(false);
    for (const [name, prop] of Object.entries(schema.properties)) expect((prop as { description?: string }).description, name).toBeTruthy();
  });

  it('releases into registryDir, then reports a second run as already released', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', '');
    vi.stubEnv('GITHUB_API_URL', '');
    vi.stubEnv('GITHUB_REF', '');
    vi.stubEnv('CI', 'true');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const root = await repo();
    try {
      expect(await releaseExecutor({ registryDir: 'out' }, context(root))).toEqual({ success: true });
      const registry = JSON.parse(await readFile(join(root, 'out', 'registry.json'), 'utf8'));
      expect(Object.keys(registry.runtimes)).toEqual(['alpha']);
      expect(await releaseExecutor({ registryDir: 'out' }, context(root))).toEqual({ success: true });
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain('alpha@1.0.0: already-released');
    } finally {
      out.mockRestore();
      vi.unstubAllEnvs();
    }
  });

  it('fails without a stack trace on a version mismatch', async () => {
    vi.stubEnv('GITHUB_REPOSITORY', '');
    vi.stubEnv('GITHUB_API_URL', '');
    vi.stubEnv('GITHUB_REF', 'refs/tags/alpha@2.0.0');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await releaseExecutor({ registryDir: 'out', dryRun: true }, context(await repo()))).toEqual({ success: false });
      const printed = err.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('version mismatch: tag alpha@2.0.0 says 2.0.0');
      expect(printed).not.toMatch(/\n\s+at /);
    } finally {
      err.mockRestore();
      out.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
