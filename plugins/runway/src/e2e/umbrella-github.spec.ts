import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGitHubServer } from '@runway/github-server';
import { memoryLogger } from '@runway/log';
import { createGitHubApi } from '@runway/publisher-github';
import { resolveReleaseTarget } from '@runway/release';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger } from '@runway/release-policy';
import { testdir } from '@runway/test-utils';
import { githubUmbrella } from '../release/github-umbrella';
import { releaseUmbrella } from '../release/release-umbrella';

const TOKEN = 'ghs_umbrellaTestToken0123456789';
const ident = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.invalid' };

const runtime = (name: string, version: string) => ({
  [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: test\nplatforms: [ubuntu-amd64]\n`,
  [`runtimes/${name}/setup.sh`]: { content: `#!/bin/sh\necho ${name}\n`, mode: 0o755 },
  [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
});

/**
 * A clone with two runtimes and a bare origin, which is also the git side of the OpenAPI-checked
 * GitHub server holding the releases.
 */
async function setup() {
  const origin = await testdir();
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  const server = await startGitHubServer({ owner: 'acme', repo: 'runtimes', token: TOKEN, bareRepo: origin });
  onTestFinished(() => server.close());
  const dir = await testdir({ ...runtime('py', '1.0.0'), ...runtime('node', '1.2.0') });
  const git = async (args: string[]) => String((await execa('git', args, { cwd: dir, env: { ...process.env, ...ident } })).stdout);
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'initial']);
  await git(['remote', 'add', 'origin', origin]);
  await git(['push', '-q', 'origin', 'main']);

  const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/runtimes', GITHUB_API_URL: server.apiUrl, GITHUB_SERVER_URL: server.url, CI: 'true' };
  const api = createGitHubApi({ token: TOKEN, repository: 'acme/runtimes', apiUrl: server.apiUrl, timing: { writeIntervalMs: 0, retryAfterBaseMs: 1 } });
  const logger = memoryLogger();
  const run = (ref: string, options: { dryRun?: boolean } = {}) => releaseUmbrella({
    workspaceRoot: dir,
    projects: [{ root: 'runtimes/node' }, { root: 'runtimes/py' }],
    trigger: umbrellaTrigger(ref),
    overridableTags: DEFAULT_OVERRIDABLE_TAGS,
    dryRun: options.dryRun === true,
    target: resolveReleaseTarget(env, dir),
    umbrella: githubUmbrella(api),
    env, logger, github: api,
  });
  const newCommit = async () => {
    await writeFile(join(dir, 'README.md'), `change ${Date.now()}\n`);
    await git(['add', 'README.md']);
    await git(['commit', '-q', '-m', 'change']);
    await git(['push', '-q', 'origin', 'HEAD:refs/heads/work']);
    return git(['rev-parse', 'HEAD']);
  };
  const releases = (tag: string) => server.state.releases.filter((r) => r.tagName === tag);
  return { server, dir, git, run, newCommit, releases, logger };
}

describe('umbrella release on GitHub (real git, bare origin, GitHub test server)', () => {
  it('v1.0.0 releases every runtime at 1.0.0 and creates one umbrella release listing every package', async () => {
    const { server, run, releases, git } = await setup();
    const head = await git(['rev-parse', 'HEAD']);
    const result = await run('refs/tags/v1.0.0');
    expect(result.status).toBe('released');

    expect(releases('py@1.0.0')).toHaveLength(1);
    expect(releases('node@1.0.0')).toHaveLength(1);
    const [umbrella] = releases('v1.0.0');
    expect(umbrella.draft).toBe(false);
    expect(umbrella.prerelease).toBe(false);
    expect(umbrella.body).toMatch(/\| node \| 1\.0\.0 \| `[0-9a-f]{64}` \| \[node@1\.0\.0\]\(http/);
    expect(umbrella.body).toMatch(/\| py \| 1\.0\.0 \| `[0-9a-f]{64}` \|/);
    expect(umbrella.assets.map((a) => a.name)).toEqual(['umbrella.json']);
    expect(await server.git.revParse('refs/tags/v1.0.0')).toBe(head);
    expect(server.violations).toEqual([]);
  });

  it('replaces the overridable v0.1-test at a new commit: tag moved, old release gone', async () => {
    const { server, run, releases, newCommit } = await setup();
    await run('refs/tags/v0.1-test');
    const [first] = releases('v0.1-test');
    const next = await newCommit();

    const result = await run('refs/tags/v0.1-test');
    expect(result.status).toBe('released');
    const now = releases('v0.1-test');
    expect(now).toHaveLength(1);
    expect(now[0].id).not.toBe(first.id);
    expect(now[0].prerelease).toBe(true);
    expect(now[0].body).toContain(`built from commit ${next}`);
    expect(await server.git.revParse('refs/tags/v0.1-test')).toBe(next);
    expect(server.violations).toEqual([]);
  });

  it('refuses an existing fixed v1.0.0 made from another commit, before changing anything', async () => {
    const { server, run, releases, newCommit, git } = await setup();
    await run('refs/tags/v1.0.0');
    const before = JSON.stringify(server.state.releases);
    const next = await newCommit();
    const worktree = await git(['status', '--porcelain']);
    await server.git.git(['update-ref', 'refs/tags/v1.0.0', next]); // someone force-moved the tag and CI runs again

    await expect(run('refs/tags/v1.0.0')).rejects.toThrow(/umbrella release v1\.0\.0 already exists \(made from [0-9a-f]{12}, this is [0-9a-f]{12}\)/);
    expect(JSON.stringify(server.state.releases)).toBe(before);
    expect(releases('v1.0.0')).toHaveLength(1);
    expect(await git(['status', '--porcelain'])).toBe(worktree);
  });

  it('--dry-run plans the umbrella and changes nothing', async () => {
    const { server, run, git, logger } = await setup();
    const result = await run('refs/tags/v3.1.0', { dryRun: true });
    expect(result.status).toBe('planned');
    expect(logger.lines.join('\n')).toContain('umbrella v3.1.0 (immutable): tag create, release create, every manifest set to 3.1.0');
    expect(server.state.releases).toEqual([]);
    expect(await git(['status', '--porcelain'])).toBe('');
  });
});
