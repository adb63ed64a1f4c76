import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { testdir, type FixtureFile } from '@runway/test-utils';
import { validateProject } from './read-project';

const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };
const script = (mode: number): FixtureFile => ({ content: '#!/bin/sh\n', mode });

/** A committed workspace with `runtimes/x` for platforms ubuntu-amd64 and ubuntu-arm64. */
async function workspace(files: Record<string, FixtureFile>) {
  const root = await testdir({
    '.gitignore': '*.log\nsecret-*\n',
    'runtimes/x/manifest.yaml': 'name: x\nversion: 1.0.0\nplatforms: [ubuntu-amd64, ubuntu-arm64]\n',
    ...Object.fromEntries(Object.entries(files).map(([p, f]) => [`runtimes/x/${p}`, f])),
  });
  const git = async (...args: string[]) => (await execa('git', args, { cwd: root, env: { ...process.env, ...identity } })).stdout;
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'x');
  return { root, dir: join(root, 'runtimes/x'), git };
}

const rulesAndMessages = async (root: string) => (await validateProject(root, 'runtimes/x')).errors.map((i) => `${i.rule}: ${i.message}`);

describe('validateProject', () => {
  it('judges the modes git records, not the disk: chmod -x committed fails, chmod +x on disk alone does not fix it', async () => {
    const { root, dir, git } = await workspace({ 'setup.sh': script(0o755), 'setup-ubuntu-amd64.sh': script(0o755), 'setup-ubuntu-arm64.sh': script(0o755) });
    expect(await rulesAndMessages(root)).toEqual([]);

    await chmod(join(dir, 'setup-ubuntu-amd64.sh'), 0o644);
    // Not recorded yet: the package still holds it as 0755, so it stays valid.
    expect(await rulesAndMessages(root)).toEqual([]);
    await git('add', 'runtimes/x/setup-ubuntu-amd64.sh');
    expect(await rulesAndMessages(root)).toEqual(['platform-script-executable: setup-ubuntu-amd64.sh is not executable']);
    await chmod(join(dir, 'setup-ubuntu-amd64.sh'), 0o755);
    expect(await rulesAndMessages(root)).toEqual([
      "platform-script-executable: setup-ubuntu-amd64.sh is not executable in git (only on disk), and a package takes git's mode",
    ]);
    await git('add', '--chmod=+x', 'runtimes/x/setup-ubuntu-amd64.sh');
    expect((await validateProject(root, 'runtimes/x')).manifest?.name).toBe('x');
  });

  it('reports a required script that is untracked or ignored with the git command that adds it', async () => {
    const root = (await workspace({ 'setup.sh': script(0o755), 'setup-ubuntu-amd64.sh': script(0o755) })).root;
    await writeFile(join(root, '.gitignore'), '*.log\nsetup-ubuntu-arm64.sh\n');
    await writeFile(join(root, 'runtimes/x/setup-ubuntu-arm64.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const result = await validateProject(root, 'runtimes/x');
    expect(result.errors.map((i) => [i.rule, i.fix])).toEqual([
      ['platform-script-present', 'git add -f runtimes/x/setup-ubuntu-arm64.sh, or stop ignoring it in .gitignore, then commit'],
    ]);
    await writeFile(join(root, '.gitignore'), '*.log\n');
    expect((await validateProject(root, 'runtimes/x')).errors.map((i) => i.fix)).toEqual(['git add runtimes/x/setup-ubuntu-arm64.sh, then commit']);
  });

  it('counts a tracked symlink as its target inside the project', async () => {
    const { root, dir, git } = await workspace({ 'setup.sh': script(0o755), 'setup-ubuntu-amd64.sh': script(0o755), 'plain.sh': script(0o644) });
    await symlink('setup-ubuntu-amd64.sh', join(dir, 'setup-ubuntu-arm64.sh'));
    await git('add', '-A');
    expect(await rulesAndMessages(root)).toEqual([]);
    await git('rm', '-qf', 'runtimes/x/setup-ubuntu-arm64.sh');
    await symlink('plain.sh', join(dir, 'setup-ubuntu-arm64.sh'));
    await git('add', '-A');
    expect(await rulesAndMessages(root)).toEqual(['platform-script-executable: setup-ubuntu-arm64.sh is not executable']);
  });

  it('checks that a payload\'s runtime is a runtime folder of the workspace', async () => {
    const { root, git } = await workspace({ 'setup.sh': script(0o755), 'setup-ubuntu-amd64.sh': script(0o755), 'setup-ubuntu-arm64.sh': script(0o755) });
    await mkdir(join(root, 'payloads/p'), { recursive: true });
    await writeFile(join(root, 'payloads/p/Dockerfile'), 'FROM scratch\n');
    await writeFile(join(root, 'payloads/p/manifest.yaml'), 'name: p\nversion: 1.0.0\nruntime: x\n');
    await git('add', '-A');
    expect((await validateProject(root, 'payloads/p')).manifest?.runtime).toBe('x');
    await writeFile(join(root, 'payloads/p/manifest.yaml'), 'name: p\nversion: 1.0.0\nruntime: y\n');
    expect((await validateProject(root, 'payloads/p')).errors.map((i) => `${i.rule}@${i.line}:${i.column}: ${i.message} (${i.fix})`)).toEqual([
      'runtime-unknown@3:10: unknown runtime "y": there is no runtimes/y/manifest.yaml (use one of: x)',
    ]);
  });

  it('refuses to judge a project outside a git repository', async () => {
    const root = await testdir({ 'runtimes/x/manifest.yaml': 'name: x\nversion: 1.0.0\nplatforms: [ubuntu-amd64]\n' });
    await expect(validateProject(root, 'runtimes/x')).rejects.toThrow(/is not inside a git repository/);
  });
});
