import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, testdir } from '@runway/test-utils';

/**
 * A fresh machine: an empty HOME, no git identity anywhere (no ~/.gitconfig, no system config, no
 * GIT_* variables), only PATH. Nothing of this process's environment leaks into the children.
 */
async function freshEnv(): Promise<NodeJS.ProcessEnv> {
  return { HOME: await testdir(), PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', CI: 'true' };
}

/** A clone of a bare origin holding the runtime `py`, made with an identity given only to these commands. */
async function repo() {
  const setup = { GIT_AUTHOR_NAME: 'setup', GIT_AUTHOR_EMAIL: 'setup@x.invalid', GIT_COMMITTER_NAME: 'setup', GIT_COMMITTER_EMAIL: 'setup@x.invalid' };
  const origin = await testdir();
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  const dir = await testdir({
    'runtimes/py/manifest.yaml': 'name: py\nversion: 1.2.0\ndescription: test\nplatforms: [ubuntu-amd64]\n',
    'runtimes/py/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    'runtimes/py/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  });
  const git = async (args: string[], cwd = dir) => String((await execa('git', args, { cwd, env: setup })).stdout);
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'initial'], ['remote', 'add', 'origin', origin], ['push', '-q', '-u', 'origin', 'main']]) {
    await git(args);
  }
  return { dir, origin, git };
}

describe('on a fresh machine (empty HOME, no git identity)', () => {
  it('runway release tag refuses with how to set the identity, exit 1, no stack trace; then tags once it is set', async () => {
    const { dir, origin, git } = await repo();
    const env = await freshEnv();
    const runway = () => execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), ['release', 'tag', 'py', '--yes'], { cwd: dir, env, extendEnv: false, reject: false });

    const refused = await runway();
    expect(refused.exitCode, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('error: cannot create the tag py@1.2.0: git has no user name and email to record as the author');
    expect(refused.stderr).toContain('git config --global user.name "Your Name"');
    expect(refused.stderr).not.toMatch(/internal error|This is a bug|\n\s+at /);
    expect(await git(['tag'])).toBe('');
    expect(await git(['tag'], origin)).toBe('');

    await git(['config', 'user.name', 'Maintainer']);
    await git(['config', 'user.email', 'maintainer@x.invalid']);
    const tagged = await runway();
    expect(tagged.exitCode, tagged.stderr).toBe(0);
    expect(await git(['tag', '-l', '--format=%(taggername)', 'py@1.2.0'])).toBe('Maintainer');
    expect(await git(['rev-parse', 'py@1.2.0^{commit}'], origin)).toBe(await git(['rev-parse', 'HEAD']));
  });

  it('without git installed, runway release tag and image-tags say how to install it, exit 1', async () => {
    const { dir } = await repo();
    const env = { ...(await freshEnv()), PATH: await testdir() };
    const runway = (args: string[]) => execa(process.execPath, [join(REPO_ROOT, 'packages', 'cli', 'bin', 'runway.js'), ...args], { cwd: dir, env, extendEnv: false, reject: false });
    for (const run of [await runway(['release', 'tag', 'py', '--yes']), await runway(['image-tags', '--ref', 'refs/tags/v1.0.0', '--sha', 'a'.repeat(40)])]) {
      expect(run.exitCode, run.stderr).toBe(1);
      expect(run.stderr).toContain('git could not be started');
      expect(run.stderr).toContain('install git and make sure it is on PATH');
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  // The README's test command on a newcomer's machine: this spec once failed there only.
  it('the release-tag spec passes, every test run', { timeout: 300_000 }, async () => {
    const report = join(await testdir(), 'report.json');
    const run = await execa(join(REPO_ROOT, 'node_modules', '.bin', 'vitest'), [
      'run', 'packages/cli/src/commands/release/release-tag.spec.ts', '--reporter=json', `--outputFile=${report}`,
    ], { cwd: REPO_ROOT, env: await freshEnv(), extendEnv: false, reject: false, all: true });
    expect(run.exitCode, run.all).toBe(0);
    const result = JSON.parse(await readFile(report, 'utf8'));
    expect(result.numTotalTests).toBeGreaterThanOrEqual(7);
    expect([result.numPassedTests, result.numPendingTests + result.numTodoTests]).toEqual([result.numTotalTests, 0]);
  });
});
