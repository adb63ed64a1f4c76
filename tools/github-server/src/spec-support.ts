import { execa } from 'execa';
import { Octokit } from 'octokit';
import { onTestFinished } from 'vitest';
import { testdir, type FixtureFile, writeFixtures } from '@runway/test-utils';
import { startGitHubServer, type GitHubServer, type GitHubServerOptions } from './github-server';

// Shared by this package's specs only (not exported from the barrel).

export const TOKEN = 'ghs_testtoken123';

/** Git identity for commits and tags the specs make: a fresh machine (empty HOME) has none. */
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Spec Author', GIT_AUTHOR_EMAIL: 'author@spec.invalid',
  GIT_COMMITTER_NAME: 'Spec Committer', GIT_COMMITTER_EMAIL: 'committer@spec.invalid',
};

/** Starts a server for `acme/rt` with the spec token; closed when the test finishes. */
export async function start(opts: GitHubServerOptions = {}): Promise<GitHubServer> {
  const server = await startGitHubServer({ owner: 'acme', repo: 'rt', token: TOKEN, ...opts });
  onTestFinished(() => server.close());
  return server;
}

/** A raw API call with the token (unless `auth: false`). */
export function api(s: GitHubServer, path: string, init: RequestInit & { auth?: boolean } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set('authorization', `token ${TOKEN}`);
  if (typeof init.body === 'string') headers.set('content-type', 'application/json');
  return fetch(`${s.apiUrl}${path}`, { ...init, headers });
}

/** The real client; retries off unless asked, so a spec sees each answer. */
export function octokit(s: GitHubServer, retry: { enabled: boolean; retries?: number } = { enabled: false }): Octokit {
  return new Octokit({ auth: TOKEN, baseUrl: s.apiUrl, retry: { ...retry, retryAfterBaseValue: 1 }, throttle: { enabled: false }, log: { debug() {}, info() {}, warn() {}, error() {} } });
}

/** `git <args>` in `cwd` with the spec identity; trimmed stdout. */
export async function git(cwd: string, args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: { ...process.env, ...GIT_ENV } })).stdout;
}

/** A clone-like workspace whose `origin` is a fresh bare repo (HEAD on `branch`). */
export interface Workspace {
  dir: string;
  bare: string;
  /** Writes `files`, commits everything and returns the new HEAD sha (not pushed). */
  commit(files: Record<string, FixtureFile>, message?: string): Promise<string>;
  git(args: string[]): Promise<string>;
}

export async function workspace(branch = 'main'): Promise<Workspace> {
  const bare = await testdir();
  const dir = await testdir();
  await git(bare, ['init', '-q', '--bare', '-b', branch]);
  await git(dir, ['init', '-q', '-b', branch]);
  await git(dir, ['remote', 'add', 'origin', bare]);
  return {
    dir,
    bare,
    git: (args) => git(dir, args),
    async commit(files, message = 'change') {
      await writeFixtures(dir, files);
      await git(dir, ['add', '-A']);
      await git(dir, ['commit', '-q', '-m', message]);
      return git(dir, ['rev-parse', 'HEAD']);
    },
  };
}
