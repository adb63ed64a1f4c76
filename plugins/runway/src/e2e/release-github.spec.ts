import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGitHubServer } from '@runway/github-server';
import { nxWorkspace, REPO_ROOT, type FixtureFile } from '@runway/test-utils';
import { addBareOrigin, nxRelease, withoutReleasePolicy } from './nx-release-workspace';

const TOKEN = 'ghs_e2eReleaseGithubToken0123';

const runtime = (name: string, version: string): Record<string, FixtureFile> => ({
  [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: test\nplatforms: [ubuntu-amd64]\n`,
  [`runtimes/${name}/setup.sh`]: { content: `#!/bin/sh\necho ${name}\n`, mode: 0o755 },
  [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
});

/** A workspace (with the real root project.json) whose origin is the GitHub test server's repository. */
async function setup() {
  const rootProject = withoutReleasePolicy(await readFile(join(REPO_ROOT, 'project.json'), 'utf8'));
  const ws = await nxWorkspace({ 'project.json': rootProject, ...runtime('py', '1.0.0'), ...runtime('node', '1.2.0') });
  const origin = await addBareOrigin(ws);
  const server = await startGitHubServer({ owner: 'acme', repo: 'runtimes', token: TOKEN, bareRepo: origin });
  onTestFinished(() => server.close());
  const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/runtimes', GITHUB_API_URL: server.apiUrl, GITHUB_SERVER_URL: server.url, GITHUB_REF: undefined, CI: 'true' };
  const tagOnOrigin = (tag: string) => server.git.revParse(`refs/tags/${tag}^{commit}`);
  const published = (tag: string) => server.state.releases.find((r) => r.tagName === tag && !r.draft);
  return { ws, server, env, tagOnOrigin, published };
}

describe('releases to GitHub through real nx: every tag on the built commit, checked through the origin', () => {
  it('nx run-many -t release', async () => {
    const { ws, server, env, tagOnOrigin, published } = await setup();
    const head = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const run = await ws.nx(['run-many', '-t', 'release'], env);
    expect(run.exitCode, run.all).toBe(0);
    for (const tag of ['py@1.0.0', 'node@1.2.0']) {
      expect(await tagOnOrigin(tag)).toBe(head);
      expect(published(tag)).toMatchObject({ targetCommitish: head });
    }
    // The registry commits moved main on; the tags stayed on the built commit.
    expect(await server.git.revParse('refs/heads/main')).not.toBe(head);
    expect(run.all).not.toContain(TOKEN);
    server.assertNoViolations();
  }, 600_000);

  it('nx release publish, after nx release patch and a push', async () => {
    const { ws, server, env, tagOnOrigin, published } = await setup();
    const version = await nxRelease(ws, ['patch', '-p', 'py', '--skip-publish'], env);
    expect(version.exitCode, String(version.all)).toBe(0);
    const bumped = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    await ws.git(['push', '-q', '--follow-tags', 'origin', 'main']);
    const publish = await nxRelease(ws, ['publish', '-p', 'py'], env);
    expect(publish.exitCode, String(publish.all)).toBe(0);
    expect(await tagOnOrigin('py@1.0.1')).toBe(bumped);
    expect(published('py@1.0.1')).toBeDefined();
    server.assertNoViolations();
  }, 600_000);

  it('the umbrella nx run runway:release --tag=v2.0.0', async () => {
    const { ws, server, env, tagOnOrigin, published } = await setup();
    const head = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const run = await ws.nx(['run', 'runway:release', '--tag=v2.0.0'], env);
    expect(run.exitCode, run.all).toBe(0);
    const releaseCommit = await tagOnOrigin('py@2.0.0');
    expect(releaseCommit).toBeDefined();
    expect(releaseCommit).not.toBe(head);
    expect(await tagOnOrigin('node@2.0.0')).toBe(releaseCommit);
    expect(await server.git.revParse(`${releaseCommit}^`)).toBe(head);
    expect(await tagOnOrigin('v2.0.0')).toBe(head);
    expect(published('v2.0.0')).toMatchObject({ prerelease: false });
    expect((await ws.git(['status', '--porcelain'])).stdout).toBe('');
    server.assertNoViolations();
  }, 600_000);
});
