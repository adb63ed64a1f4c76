import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { REPO_ROOT, testdir } from '@runway/test-utils';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const runway = (args: string[], cwd = REPO_ROOT) =>
  execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), ['image-tags', ...args], { cwd, reject: false, env: { CI: 'true' } });

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
    const dir = await testdir({ 'README.md': 'x\n' });
    const git = (args: string[]) => execa('git', args, { cwd: dir, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    await git(['init', '-q', '-b', 'main']);
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', 'init']);
    await git(['tag', 'v2.0.0']);
    await git(['tag', 'v1.4.0']);
    const r = await runway(['--ref', 'refs/tags/v1.4.0', '--sha', SHA, '--json'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['1.4.0', '1.4', '1', 'sha-abcdef0']);
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
