import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { sshTestKey, testdir } from '@runway/test-utils';
import { main } from '../../main';

// Identity for the spec's own commits. The command's git calls run in-process with this process's
// environment, so repo() also records an identity in each clone: a fresh machine has none.
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };

const runtime = (version: string) => ({
  'runtimes/py/manifest.yaml': `name: py\nversion: ${version}\ndescription: test\nplatforms: [ubuntu-amd64]\n`,
  'runtimes/py/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
  'runtimes/py/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
});

/** A clone of a bare origin holding one runtime, with `main` pushed. */
async function repo(version = '1.2.0') {
  const origin = await testdir();
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  const dir = await testdir(runtime(version));
  const git = async (args: string[], cwd = dir) => String((await execa('git', args, { cwd, env })).stdout);
  await git(['init', '-q', '-b', 'main']);
  await git(['config', 'user.name', 'Runway Test']);
  await git(['config', 'user.email', 'test@runway.invalid']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'initial']);
  await git(['remote', 'add', 'origin', origin]);
  await git(['push', '-q', '-u', 'origin', 'main']);
  return { dir, origin, git };
}

/** Runs the CLI in-process, as from a pipe (not a TTY). */
async function runway(cwd: string, args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => { out += c; });
  stderr.on('data', (c) => { err += c; });
  const code = await main(args, { cwd, env, stdout, stderr, interactive: false });
  return { code, out, err };
}

describe('runway release tag (real git, bare origin)', () => {
  it('shows the files and the tag, then creates an annotated tag and pushes it', async () => {
    const { dir, origin, git } = await repo();
    const run = await runway(dir, ['release', 'tag', 'py', '--yes']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('tag:    py@1.2.0');
    expect(run.out).toMatch(/files \(runtimes\/py\/\):\n {4}manifest\.yaml\n {4}setup-ubuntu-amd64\.sh\n {4}setup\.sh/);
    expect(await git(['cat-file', '-t', 'py@1.2.0'])).toBe('tag');
    expect(await git(['tag', '-l', '--format=%(contents:subject)', 'py@1.2.0'])).toBe('Release py 1.2.0');
    expect(await git(['rev-parse', 'py@1.2.0^{commit}'], origin)).toBe(await git(['rev-parse', 'HEAD']));
  });

  it('--sign makes a signed umbrella tag, checks it against the trusted signers of origin/main, then pushes it', async () => {
    const { dir, origin, git } = await repo();
    const alice = await sshTestKey('alice');
    const mallory = await sshTestKey('mallory');
    await mkdir(join(dir, '.github'));
    await writeFile(join(dir, '.github/allowed_signers'), `alice@x.invalid ${alice.publicKey}\n`);
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', 'trusted signers']);
    await git(['push', '-q', 'origin', 'main']);

    const refused = await runway(dir, ['release', 'tag', 'v1.3.0', '--sign', '--signing-format', 'ssh', '--signing-key', mallory.key, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/not pushing v1\.3\.0: .*not among the trusted signers/);
    expect(await git(['tag'])).toBe('');
    expect(await git(['tag'], origin)).toBe('');

    const run = await runway(dir, ['release', 'tag', 'v1.3.0', '--sign', '--signing-format', 'ssh', '--signing-key', alice.key, '--yes']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('tag:    v1.3.0 (signed: "Release v1.3.0")');
    expect(await git(['cat-file', 'tag', 'v1.3.0'], origin)).toContain('-----BEGIN SSH SIGNATURE-----');
    expect(await git(['rev-parse', 'v1.3.0^{commit}'], origin)).toBe(await git(['rev-parse', 'HEAD']));
  });

  it('--dry-run prints the plan and creates nothing', async () => {
    const { dir, origin, git } = await repo();
    const run = await runway(dir, ['release', 'tag', 'py', '--dry-run']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('dry run: would run "git tag --annotate py@1.2.0"');
    expect(await git(['tag'])).toBe('');
    expect(await git(['tag'], origin)).toBe('');
  });

  it('refuses without a terminal and without --yes', async () => {
    const { dir, git } = await repo();
    const run = await runway(dir, ['release', 'tag', 'py']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('not tagging py@1.2.0: confirmation needed and this is not an interactive terminal');
    expect(run.err).toContain('--yes');
    expect(await git(['tag'])).toBe('');
  });

  it('lists every problem at once: invalid manifest, dirty tree, branch behind origin', async () => {
    const { dir, origin, git } = await repo();
    const other = await testdir();
    await git(['clone', '-q', origin, other], other);
    await git(['commit', '-q', '--allow-empty', '-m', 'elsewhere'], other);
    await git(['push', '-q', 'origin', 'main'], other);
    await writeFile(join(dir, 'runtimes/py/manifest.yaml'), 'name: py\nversion: 1.2\ndescription: test\nplatforms: [ubuntu-amd64]\n');

    const run = await runway(dir, ['release', 'tag', 'py', '--yes']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('cannot tag py: 3 problem(s)');
    expect(run.err).toContain('runtimes/py/manifest.yaml');
    expect(run.err).toContain('1 uncommitted change(s)');
    expect(run.err).toContain('main is 1 commit(s) behind origin/main');
    expect(run.err).toContain('git pull --ff-only origin main');
    expect(run.err).not.toMatch(/\n\s+at /);
    expect(await git(['tag'])).toBe('');
  });

  it('says when main has diverged from origin and how to fix it', async () => {
    const { dir, origin, git } = await repo();
    const other = await testdir();
    await git(['clone', '-q', origin, other], other);
    await git(['commit', '-q', '--allow-empty', '-m', 'remote side'], other);
    await git(['push', '-q', 'origin', 'main'], other);
    await git(['commit', '-q', '--allow-empty', '-m', 'local side']);
    const run = await runway(dir, ['release', 'tag', 'py', '--yes']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('main has diverged from origin/main (1 local, 1 remote commit(s))');
  });

  it('refuses a tag that already exists on the remote: versions are immutable', async () => {
    const { dir, origin, git } = await repo();
    await git(['tag', '-a', 'py@1.2.0', '-m', 'earlier', 'HEAD'], origin);
    const run = await runway(dir, ['release', 'tag', 'py', '--yes']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('tag py@1.2.0 already exists on origin: a released version is immutable');
    expect(run.err).toContain('bump the version in runtimes/py/manifest.yaml');
    expect(await git(['tag'])).toBe('');
  });

  it('maps environment mistakes to what, where and how to fix, exit 1, no stack trace', async () => {
    const { dir, git } = await repo();
    await git(['remote', 'remove', 'origin']);
    const noRemote = await runway(dir, ['release', 'tag', 'py', '--yes']);
    expect(noRemote.code).toBe(1);
    expect(noRemote.err).toContain('cannot reach the remote "origin": "git ls-remote --symref origin HEAD" failed');
    expect(noRemote.err).toContain("fatal: 'origin' does not appear to be a git repository");
    expect(noRemote.err).toContain('fix: check "git remote -v"');

    const notARepo = await runway(await testdir(), ['release', 'tag', 'py', '--yes']);
    expect(notARepo.code).toBe(1);
    expect(notARepo.err).toContain('is not inside a git repository');
    for (const run of [noRemote, notARepo]) expect(run.err).not.toMatch(/internal error|\n\s+at /);
  });

  it('names an unknown runtime with a usage exit code', async () => {
    const { dir } = await repo();
    const run = await runway(dir, ['release', 'tag', 'nope', '--yes']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('no runtime or payload named "nope"');
  });
});
