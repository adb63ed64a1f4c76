import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { REPO_ROOT, testdir } from '@runway/test-utils';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const runway = (args: string[], cwd = REPO_ROOT) =>
  execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), ['image-tags', ...args], { cwd, reject: false, env: { CI: 'true' } });
const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

/** A repository with one commit per tag, tagged in the order given (lightweight tags). */
async function taggedRepo(tags: string[]): Promise<string> {
  const dir = await testdir({ 'README.md': 'x\n' });
  const git = (args: string[]) => execa('git', args, { cwd: dir, env: identity });
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'init']);
  for (const tag of tags) {
    await git(['commit', '-q', '--allow-empty', '-m', tag]);
    await git(['tag', tag]);
  }
  return dir;
}

/** Expects a refusal: exit code, the message on stderr, nothing on stdout, no stack trace. */
function expectRefusal(r: { exitCode?: number; stdout: string; stderr: string }, code: number, message: string) {
  expect(r.exitCode, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(message);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
}

describe('runway image-tags', () => {
  it('prints the default-branch tags as JSON', async () => {
    const r = await runway(['--ref', 'refs/heads/main', '--sha', SHA, '--date', '2026-03-04', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['edge', 'nightly-2026-03-04', 'sha-abcdef0']);
  });

  it('leaves latest and X to the higher published version for a backport', async () => {
    const r = await runway(['--ref', 'refs/tags/v1.2.3', '--sha', SHA, '--event', 'tag', '--published', 'v1.3.0,v1.2.2', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['1.2.3', '1.2', 'sha-abcdef0']);
  });

  it('reads the published versions from the git tags of the current repository', async () => {
    const dir = await taggedRepo(['v2.0.0', 'v1.4.0']);
    const r = await runway(['--ref', 'refs/tags/v1.4.0', '--sha', SHA, '--json'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['1.4.0', '1.4', '1', 'sha-abcdef0']);
  });

  describe('refuses to decide X.Y, X and latest when the published versions are unknown', () => {
    it('in a shallow clone, where a backport would otherwise take latest', async () => {
      const origin = await taggedRepo(['v1.2.0', 'v1.3.0', 'v1.2.1']);
      const clone = await testdir();
      // What actions/checkout does by default: depth 1, only the ref being built.
      await execa('git', ['clone', '-q', '--depth', '1', '--branch', 'v1.2.1', `file://${origin}`, clone]);
      expect((await execa('git', ['tag', '--list'], { cwd: clone })).stdout).toBe('v1.2.1');
      const r = await runway(['--ref', 'refs/tags/v1.2.1', '--sha', SHA, '--json'], clone);
      expectRefusal(r, 1, 'cannot tell which versions are already published, so not deciding X.Y, X and latest for v1.2.1: this clone is shallow');
      expect(r.stderr).toContain('git fetch --tags --unshallow');
      expect(r.stderr).toContain('--published');

      // Told the published set, it decides; after fetching everything, it reads the same from git.
      const told = await runway(['--ref', 'refs/tags/v1.2.1', '--sha', SHA, '--published', 'v1.2.0', 'v1.3.0', '--json'], clone);
      expect(JSON.parse(told.stdout)).toEqual(['1.2.1', '1.2', 'sha-abcdef0']);
      await execa('git', ['fetch', '-q', '--tags', '--unshallow', 'origin'], { cwd: clone });
      const fetched = await runway(['--ref', 'refs/tags/v1.2.1', '--sha', SHA, '--json'], clone);
      expect(fetched.exitCode, fetched.stderr).toBe(0);
      expect(JSON.parse(fetched.stdout)).toEqual(['1.2.1', '1.2', 'sha-abcdef0']);
    });

    it('in a clone without tags, or without the tag being published', async () => {
      const origin = await taggedRepo(['python@1.0.0', 'python@2.0.0']);
      const clone = await testdir();
      await execa('git', ['clone', '-q', '--no-tags', origin, clone]);
      expectRefusal(await runway(['--ref', 'refs/tags/python@1.0.1', '--sha', SHA], clone), 1, 'this clone has no tags at all');
      await execa('git', ['tag', 'python@1.0.0', 'HEAD'], { cwd: clone });
      expectRefusal(await runway(['--ref', 'refs/tags/python@1.0.1', '--sha', SHA], clone), 1, 'does not have the tag python@1.0.1 itself');
    });

    it('outside a git repository, saying so', async () => {
      const r = await runway(['--ref', 'refs/tags/v1.0.0', '--sha', SHA], await testdir());
      expectRefusal(r, 1, 'not a git repository');
      expect(r.stderr).toContain('--published');
    });

    it('but decides what needs no published versions: a pre-release, a branch, KM mode', async () => {
      const dir = await testdir();
      expect(JSON.parse((await runway(['--ref', 'refs/tags/v2.0.0-rc.1', '--sha', SHA, '--json'], dir)).stdout)).toEqual(['2.0.0-rc.1', 'sha-abcdef0']);
      expect((await runway(['--ref', 'refs/heads/main', '--sha', SHA, '--date', '2026-03-04'], dir)).stdout).toBe('edge\nnightly-2026-03-04\nsha-abcdef0');
      expect(JSON.parse((await runway(['--ref', 'refs/tags/v1.0.0', '--sha', SHA, '--km', '--json'], dir)).stdout)).toEqual(['latest', SHA]);
    });
  });

  it('reads the published versions from --published-file, e.g. git ls-remote --tags output', async () => {
    const origin = await taggedRepo(['v1.2.0', 'v1.3.0']);
    const dir = await testdir();
    const listing = (await execa('git', ['ls-remote', '--tags', origin])).stdout;
    await writeFile(join(dir, 'published.txt'), `${listing}\n`);
    const r = await runway(['--ref', 'refs/tags/v1.2.5', '--sha', SHA, '--published-file', 'published.txt', '--json'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['1.2.5', '1.2', 'sha-abcdef0']);
    expectRefusal(await runway(['--ref', 'refs/tags/v1.2.5', '--sha', SHA, '--published-file', 'missing.txt'], dir), 1, `cannot read --published-file ${join(dir, 'missing.txt')}`);
  });

  it('refuses a ref that publishes nothing instead of printing an empty list', async () => {
    for (const ref of ['garbage', 'refs/heads/feature']) {
      expectRefusal(await runway(['--ref', ref, '--sha', SHA, '--json']), 2, `--ref ${ref} gives no image tags`);
    }
  });

  it('gives latest and the full SHA in KM mode', async () => {
    const r = await runway(['--ref', 'refs/tags/v0.1.0', '--sha', SHA, '--km', '--published', '', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(['latest', SHA]);
  });

  it.each([['refs/tags/v1.2', 'needs MAJOR.MINOR.PATCH'], ['refs/tags/v01.2.3', 'leading zero'], ['refs/tags/v1.2.3-', 'empty pre-release']])(
    'exits 2 on the invalid ref %s with a clear message', async (ref, why) => {
      const r = await runway(['--ref', ref, '--sha', SHA, '--published', '', '--json']);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error: invalid git ref "${ref}"`);
      expect(r.stderr).toContain(why);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

  it('exits 2 on a missing option or a bad date', async () => {
    expect((await runway(['--ref', 'refs/heads/main', '--json'])).exitCode).toBe(2);
    const r = await runway(['--ref', 'refs/heads/main', '--sha', SHA, '--date', '2026-02-30']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--date 2026-02-30 is not a date');
  });
});
