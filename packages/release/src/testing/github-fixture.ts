import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { startGitHubServer, type FaultPlan, type GitHubServer } from '@runway/github-server';
import { createGitHubApi, type GitHubApi } from '@runway/publisher-github';
import { parseRegistry, type Registry } from '@runway/registry';
import { readSbomSubject } from '@runway/sbom';
import type { FixtureFile } from '@runway/test-utils';
import type { ReleaseTarget } from '../types';
import { git, GIT_ENV, gitWorkspace } from './fixtures';

export const TOKEN = 'ghs_release_test_token_0123456789';

/**
 * A git workspace whose `origin` is a bare repository, which is also the git side of a GitHub test
 * server: tags the release pushes, and tags GitHub would create on publish, land in the same
 * repository, so tests check tag placement through the origin.
 */
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
  /** The commit `tag` names on origin (peeled), or undefined when origin has no such tag. */
  originTag(tag: string): Promise<string | undefined>;
  /**
   * The invariants that hold at every moment, also right after a crash: a registry entry points
   * only at a published release's asset with exactly its checksum and size (its `sbom_url` at an
   * SBOM of that package); the tag of every published release is on origin at the commit it was
   * built from; the server saw no contract violation.
   */
  assertInvariants(): Promise<void>;
  /** `assertInvariants`, and every published release has its registry entry (after the re-runs). */
  assertConverged(): Promise<void>;
}

export async function githubFixture(files: Record<string, FixtureFile>, faults?: FaultPlan): Promise<GitHubFixture> {
  const { root, bare } = await gitWorkspace(files, { origin: true });
  const server = await startGitHubServer({ owner: 'acme', repo: 'runtimes', token: TOKEN, faults, bareRepo: bare! });
  onTestFinished(() => server.close());
  const target = { kind: 'github' as const, token: TOKEN, repository: 'acme/runtimes', apiUrl: server.apiUrl, serverUrl: server.url };

  const originRegistry = async () => {
    const listed = await git(bare!, ['ls-tree', '--name-only', 'main', '--', 'registry.json']);
    if (!listed) return undefined;
    const text = await git(bare!, ['cat-file', 'blob', 'main:registry.json']);
    return parseRegistry(text, 'origin registry.json').registry;
  };
  const originTag = (tag: string) => server.git.revParse(`refs/tags/${tag}^{commit}`);

  const assertInvariants = async () => {
    await server.settled();
    const registry = await originRegistry();
    const problems: string[] = [...server.violations.map((v) => `contract violation: ${v}`)];
    // Project releases (`<name>@<version>`); an umbrella's tag names the tagged commit by design.
    for (const release of server.state.releases.filter((r) => !r.draft && r.tagName.includes('@'))) {
      // The tag names the commit the release says it was built from.
      const built = /built from commit ([0-9a-f]{40})/.exec(release.body ?? '')?.[1];
      const tagged = await originTag(release.tagName);
      if (!tagged) problems.push(`published release ${release.tagName} has no tag on origin`);
      else if (built && tagged !== built) problems.push(`tag ${release.tagName} names ${tagged}, its release was built from ${built}`);
    }
    for (const [name, versions] of [...Object.entries(registry?.runtimes ?? {}), ...Object.entries(registry?.payloads ?? {})]) {
      for (const [version, entry] of Object.entries(versions)) {
        const release = server.state.releases.find((r) => r.tagName === `${name}@${version}` && !r.draft);
        // What a client gets from the URL, anonymously, right now.
        const served = await fetch(entry.download_url).then(async (res) => (res.ok ? Buffer.from(await res.arrayBuffer()) : res.status));
        if (typeof served === 'number') problems.push(`registry entry ${name}@${version}: ${entry.download_url} answers ${served}`);
        else if (`sha256:${createHash('sha256').update(served).digest('hex')}` !== entry.checksum || served.length !== entry.size) problems.push(`registry entry ${name}@${version}: ${entry.download_url} serves other bytes`);
        if (entry.sbom_url === undefined) continue;
        const sbomFile = decodeURIComponent(entry.sbom_url.split('/').pop()!);
        const sbom = release?.assets.find((a) => a.name === sbomFile);
        const read = sbom && readSbomSubject(sbom.data.toString('utf8'));
        if (!read) problems.push(`registry entry ${name}@${version} points at missing SBOM ${sbomFile}`);
        else if (!('subject' in read) || `sha256:${read.subject.sha256}` !== entry.checksum) problems.push(`registry entry ${name}@${version} points at an SBOM of another package`);
      }
    }
    if (problems.length) throw new Error(`release invariants broken:\n${problems.join('\n')}`);
  };

  return {
    root, bare: bare!, server, target, originTag, assertInvariants,
    env: { ...process.env, ...GIT_ENV, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/runtimes', GITHUB_API_URL: server.apiUrl, GITHUB_SERVER_URL: server.url, SWC_NODE_PROJECT: join(__dirname, '../../../../tsconfig.json') },
    api: () => createGitHubApi({ token: TOKEN, repository: 'acme/runtimes', apiUrl: server.apiUrl, retries: 5, timing: { retryAfterBaseMs: 1, writeIntervalMs: 0, requestTimeoutMs: 5_000 } }),
    originRegistry,
    async assertConverged() {
      await assertInvariants();
      const registry = await originRegistry();
      const missing = server.state.releases.filter((r) => !r.draft && r.tagName.includes('@')).filter((r) => {
        const [name, version] = r.tagName.split('@');
        return !registry?.runtimes[name]?.[version] && !registry?.payloads?.[name]?.[version];
      });
      if (missing.length) throw new Error(`published releases without a registry entry: ${missing.map((r) => r.tagName).join(', ')}`);
    },
  };
}
