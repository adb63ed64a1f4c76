import { join } from 'node:path';
import { execa } from 'execa';
import { onTestFinished } from 'vitest';
import { startGitHubServer, type FaultPlan, type GitHubServer } from '@runway/github-server';
import { createGitHubApi, type GitHubApi } from '@runway/publisher-github';
import { parseRegistry, type Registry } from '@runway/registry';
import { readSbomSubject } from '@runway/sbom';
import { testdir, type FixtureFile } from '@runway/test-utils';
import type { ReleaseTarget } from '../types';

export const TOKEN = 'ghs_release_test_token_0123456789';

/** A git workspace whose `origin` is a bare repository, next to a GitHub test server. */
export interface GitHubFixture {
  root: string;
  bare: string;
  server: GitHubServer;
  target: Extract<ReleaseTarget, { kind: 'github' }>;
  /** Environment a child process needs to release to this fixture. */
  env: NodeJS.ProcessEnv;
  /** An API client with millisecond retry waits. */
  api(): GitHubApi;
  /** registry.json on origin's default branch (undefined before the first release). */
  originRegistry(): Promise<Registry | undefined>;
  /**
   * Throws when a visible release lacks its registry entry, or an entry points at a missing or
   * different asset: its package by checksum and size, its `sbom_url` at an SBOM of that package.
   */
  assertInvariants(): Promise<void>;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Runway Test', GIT_AUTHOR_EMAIL: 'test@runway.invalid',
  GIT_COMMITTER_NAME: 'Runway Test', GIT_COMMITTER_EMAIL: 'test@runway.invalid',
};

export async function githubFixture(files: Record<string, FixtureFile>, faults?: FaultPlan): Promise<GitHubFixture> {
  const root = await testdir(files);
  const bare = await testdir();
  const git = (cwd: string, args: string[]) => execa('git', args, { cwd, env: { ...process.env, ...GIT_ENV } });
  await git(bare, ['init', '-q', '--bare', '-b', 'main']);
  await git(root, ['init', '-q', '-b', 'main']);
  await git(root, ['add', '-A']);
  await git(root, ['commit', '-q', '-m', 'initial']);
  await git(root, ['remote', 'add', 'origin', bare]);
  await git(root, ['push', '-q', 'origin', 'main']);

  const server = await startGitHubServer({ owner: 'acme', repo: 'runtimes', token: TOKEN, faults });
  onTestFinished(() => server.close());
  const target = { kind: 'github' as const, token: TOKEN, repository: 'acme/runtimes', apiUrl: server.apiUrl, serverUrl: server.url };

  const originRegistry = async () => {
    const listed = await git(bare, ['ls-tree', '--name-only', 'main', '--', 'registry.json']);
    if (!listed.stdout) return undefined;
    const text = (await git(bare, ['cat-file', 'blob', 'main:registry.json'])).stdout;
    return parseRegistry(text, 'origin registry.json').registry;
  };

  return {
    root, bare, server, target,
    env: { ...process.env, ...GIT_ENV, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/runtimes', GITHUB_API_URL: server.apiUrl, GITHUB_SERVER_URL: server.url, SWC_NODE_PROJECT: join(__dirname, '../../../../tsconfig.json') },
    api: () => createGitHubApi({ token: TOKEN, repository: 'acme/runtimes', apiUrl: server.apiUrl, retries: 5, timing: { retryAfterBaseMs: 1, writeIntervalMs: 0, requestTimeoutMs: 5_000 } }),
    originRegistry,
    async assertInvariants() {
      const registry = await originRegistry();
      const problems: string[] = [];
      for (const release of server.state.releases) {
        const [name, version] = release.tagName.split('@');
        if (!release.draft && !registry?.runtimes[name]?.[version] && !registry?.payloads?.[name]?.[version]) problems.push(`published release ${release.tagName} has no registry entry`);
      }
      for (const [name, versions] of [...Object.entries(registry?.runtimes ?? {}), ...Object.entries(registry?.payloads ?? {})]) {
        for (const [version, entry] of Object.entries(versions)) {
          const release = server.state.releases.find((r) => r.tagName === `${name}@${version}`);
          const file = decodeURIComponent(entry.download_url.split('/').pop()!);
          const asset = release?.assets.find((a) => a.name === file);
          if (!asset) problems.push(`registry entry ${name}@${version} points at missing asset ${file}`);
          else if (asset.digest !== entry.checksum || asset.data.length !== entry.size) problems.push(`registry entry ${name}@${version} points at a different asset`);
          if (entry.sbom_url === undefined) continue;
          const sbomFile = decodeURIComponent(entry.sbom_url.split('/').pop()!);
          const sbom = release?.assets.find((a) => a.name === sbomFile);
          const read = sbom && readSbomSubject(sbom.data.toString('utf8'));
          if (!read) problems.push(`registry entry ${name}@${version} points at missing SBOM ${sbomFile}`);
          else if (!('subject' in read) || `sha256:${read.subject.sha256}` !== entry.checksum) problems.push(`registry entry ${name}@${version} points at an SBOM of another package`);
        }
      }
      if (problems.length) throw new Error(`release invariants broken:\n${problems.join('\n')}`);
    },
  };
}
