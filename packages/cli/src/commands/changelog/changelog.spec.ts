import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { testdir, type FixtureFile } from '@runway/test-utils';
import { main } from '../../main';

const env = { PATH: process.env.PATH, HOME: '/nonexistent', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };

const CHANGELOG = `# Changelog

## [Unreleased]

### Added
- arm64 prebuilt environments

## [1.1.0] - 2024-03-01

- python-3.12

[Unreleased]: https://github.com/acme/rt/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/acme/rt/compare/v1.0.0...v1.1.0
`;

const RELEASED = `# Changelog

## [Unreleased]

## [1.2.0] - 2024-05-01

### Added
- arm64 prebuilt environments

## [1.1.0] - 2024-03-01

- python-3.12

[Unreleased]: https://github.com/acme/rt/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/acme/rt/compare/v1.1.0...v1.2.0
[1.1.0]: https://github.com/acme/rt/compare/v1.0.0...v1.1.0
`;

/** A git repository holding `files`, committed, with the tags given. */
async function repo(files: Record<string, FixtureFile>, tags: string[] = []) {
  const dir = await testdir(files);
  const git = async (args: string[]) => String((await execa('git', args, { cwd: dir, env })).stdout);
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'initial']);
  for (const tag of tags) await git(['tag', tag]);
  return { dir, git };
}

async function runway(cwd: string, args: string[], extraEnv: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => { out += c; });
  stderr.on('data', (c) => { err += c; });
  const code = await main(args, { cwd, env: { ...env, ...extraEnv }, stdout, stderr, interactive: false });
  return { code, out, err };
}

describe('runway changelog release', () => {
  it('rewrites CHANGELOG.md (golden) and a second run changes nothing', async () => {
    const { dir } = await repo({ 'CHANGELOG.md': CHANGELOG });
    const first = await runway(dir, ['changelog', 'release', '1.2.0', '--date', '2024-05-01']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('released 1.2.0 (2024-05-01) in CHANGELOG.md');
    expect(await readFile(join(dir, 'CHANGELOG.md'), 'utf8')).toBe(RELEASED);

    // No --date: the date already in the section is kept, so a re-run on another day is a no-op.
    const second = await runway(dir, ['changelog', 'release', '1.2.0']);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('CHANGELOG.md already has 1.2.0 released on 2024-05-01 with its links: nothing to change');
    expect(await readFile(join(dir, 'CHANGELOG.md'), 'utf8')).toBe(RELEASED);
  });

  it('--dry-run prints the diff and leaves the file as it was', async () => {
    const { dir } = await repo({ 'CHANGELOG.md': CHANGELOG });
    const run = await runway(dir, ['changelog', 'release', '1.2.0', '--date', '2024-05-01', '--dry-run']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('--- a/CHANGELOG.md\n+++ b/CHANGELOG.md\n');
    expect(run.out).toContain('+## [1.2.0] - 2024-05-01\n');
    expect(run.out).toContain('-[Unreleased]: https://github.com/acme/rt/compare/v1.1.0...HEAD\n+[Unreleased]: https://github.com/acme/rt/compare/v1.2.0...HEAD\n+[1.2.0]: https://github.com/acme/rt/compare/v1.1.0...v1.2.0\n');
    expect(run.out).toContain('dry run: would write CHANGELOG.md; nothing changed');
    expect(await readFile(join(dir, 'CHANGELOG.md'), 'utf8')).toBe(CHANGELOG);
  });

  it('refuses an empty Unreleased section and leaves the file untouched', async () => {
    const { dir } = await repo({ 'CHANGELOG.md': RELEASED });
    const run = await runway(dir, ['changelog', 'release', '1.3.0', '--date', '2024-06-01']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('error: "## [Unreleased]" (line 3) is empty: nothing to release as 1.3.0');
    expect(run.err).toContain('fix: list the changes under ## [Unreleased] first');
    expect(await readFile(join(dir, 'CHANGELOG.md'), 'utf8')).toBe(RELEASED);
  });

  it('takes the repository URL from GITHUB_REPOSITORY for a first release and refuses without one', async () => {
    const { dir } = await repo({ 'CHANGELOG.md': '# Changelog\n\n## [Unreleased]\n\n- everything\n' });
    const without = await runway(dir, ['changelog', 'release', '1.0.0', '--date', '2024-05-01']);
    expect(without.code).toBe(2);
    expect(without.err).toContain('cannot tell the repository URL');
    const run = await runway(dir, ['changelog', 'release', '1.0.0', '--date', '2024-05-01'], { GITHUB_REPOSITORY: 'acme/rt', GITHUB_SERVER_URL: 'https://ghe.example' });
    expect(run.code, run.err).toBe(0);
    expect(await readFile(join(dir, 'CHANGELOG.md'), 'utf8')).toContain('[Unreleased]: https://ghe.example/acme/rt/compare/v1.0.0...HEAD\n[1.0.0]: https://ghe.example/acme/rt/releases/tag/v1.0.0\n');
  });

  it('releases a project changelog with <name>@ tags', async () => {
    const { dir } = await repo({
      'runtimes/py/manifest.yaml': 'name: py\nversion: 1.0.1\ndescription: t\nplatforms: [ubuntu-amd64]\n',
      'runtimes/py/CHANGELOG.md': '## [Unreleased]\n- fix\n\n## [1.0.0] - 2024-01-01\n- first\n',
    });
    const run = await runway(dir, ['changelog', 'release', '1.0.1', '--project', 'runtimes/py', '--date', '2024-05-01', '--repo-url', 'https://github.com/acme/rt']);
    expect(run.code, run.err).toBe(0);
    expect(await readFile(join(dir, 'runtimes/py/CHANGELOG.md'), 'utf8')).toContain('[1.0.1]: https://github.com/acme/rt/compare/py@1.0.0...py@1.0.1\n');
  });
});

describe('runway changelog check / notes', () => {
  it('passes a released MINOR with upgrade notes, taking the previous stable from the git tags', async () => {
    const { dir } = await repo({ 'CHANGELOG.md': RELEASED, 'docs/upgrading.md': '## 1.2.0\n\nNothing to do.\n' }, ['v1.1.0', 'v1.3.0-rc.1', 'v0.1-test']);
    const run = await runway(dir, ['changelog', 'check', '1.2.0']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('changelog gate passed for 1.2.0 (previous stable 1.1.0): CHANGELOG.md');
  });

  it('refuses with every problem, file and line (MINOR step from the tags needs upgrade notes)', async () => {
    const { dir } = await repo({ 'CHANGELOG.md': CHANGELOG }, ['v1.1.0']);
    const run = await runway(dir, ['changelog', 'check', '1.2.0']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('the changelog gate refuses the stable release 1.2.0: 3 problem(s)');
    expect(run.err).toContain('1. CHANGELOG.md:3: CHANGELOG.md has no "## [1.2.0] - YYYY-MM-DD" section');
    expect(run.err).toContain('fix: run "runway changelog release 1.2.0" to move the Unreleased entries into it');
    expect(run.err).toContain('2. CHANGELOG.md: CHANGELOG.md has no compare link for 1.2.0');
    expect(run.err).toContain('3. docs/upgrading.md: docs/upgrading.md does not exist; 1.1.0 → 1.2.0 is a MINOR step, so it needs upgrade notes');
  });

  it('--rev checks the committed files, not the working tree', async () => {
    const { dir, git } = await repo({ 'CHANGELOG.md': RELEASED, 'docs/upgrading.md': '## 1.2.0\n' }, ['v1.1.0']);
    await writeFile(join(dir, 'CHANGELOG.md'), CHANGELOG);
    const worktree = await runway(dir, ['changelog', 'check', '1.2.0']);
    expect(worktree.code).toBe(1);
    expect(worktree.err).toContain('CHANGELOG.md has no "## [1.2.0] - YYYY-MM-DD" section');
    const atRev = await runway(dir, ['changelog', 'check', '1.2.0', '--rev', await git(['rev-parse', 'HEAD'])]);
    expect(atRev.code, atRev.err).toBe(0);
    expect(atRev.out).toContain('changelog gate passed for 1.2.0 (previous stable 1.1.0): CHANGELOG.md at ');
  });

  it('prints the release notes of a version', async () => {
    const { dir } = await repo({ 'CHANGELOG.md': RELEASED });
    const run = await runway(dir, ['changelog', 'notes', '1.2.0']);
    expect(run).toMatchObject({ code: 0, out: '### Added\n- arm64 prebuilt environments\n' });
    const missing = await runway(dir, ['changelog', 'notes', '9.9.9']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('CHANGELOG.md has no section for 9.9.9');
  });
});
