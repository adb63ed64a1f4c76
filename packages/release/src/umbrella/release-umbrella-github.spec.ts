import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { DEFAULT_OVERRIDABLE_TAGS, umbrellaTrigger } from '@runway/release-policy';
import { normalizeReleasePolicy } from '../policy/policy-config';
import { commitAll, git, runtimeFiles } from '../testing/fixtures';
import { githubFixture } from '../testing/github-fixture';
import { treeHash } from '@runway/test-utils';
import { releaseUmbrella } from './release-umbrella';

/** Two runtimes in a clone whose origin is the GitHub test server's repository. */
async function setup() {
  const fx = await githubFixture({ ...runtimeFiles('py', '1.0.0'), ...runtimeFiles('node', '1.2.0') });
  const logger = memoryLogger();
  const run = (ref: string, options: { dryRun?: boolean } = {}) => releaseUmbrella({
    workspaceRoot: fx.root,
    projects: [{ root: 'runtimes/node' }, { root: 'runtimes/py' }],
    trigger: umbrellaTrigger(ref),
    overridableTags: DEFAULT_OVERRIDABLE_TAGS,
    dryRun: options.dryRun === true,
    target: fx.target, env: {}, logger, github: fx.api(), renderer: 'silent',
    // These specs are about the umbrella's mechanics; the policy gates have their own spec.
    policy: normalizeReleasePolicy({ changelog: { scope: 'none' }, signedTags: { stable: 'optional' } }),
  });
  const newCommit = async () => {
    await writeFile(join(fx.root, 'README.md'), `change ${Date.now()}\n`);
    const sha = await commitAll(fx.root);
    await git(fx.root, ['push', '-q', 'origin', 'HEAD:refs/heads/work']);
    return sha;
  };
  const releases = (tag: string) => fx.server.state.releases.filter((r) => r.tagName === tag && !r.draft);
  return { fx, run, newCommit, releases, logger };
}

describe('umbrella release on GitHub (real git, the bare origin behind the GitHub test server)', () => {
  it('v2.0.0 releases every runtime at 2.0.0 from the release commit: per-project tags on it, v2.0.0 on the tagged commit', async () => {
    const { fx, run, releases } = await setup();
    const head = await git(fx.root, ['rev-parse', 'HEAD']);
    const result = await run('refs/tags/v2.0.0');
    if (result.status !== 'released') throw new Error(result.status);
    expect(result.releaseCommit).not.toBe(head);
    // Through the origin: the release commit was pushed with the per-project tags, and it is the
    // tagged commit with every manifest at 2.0.0.
    expect(await fx.originTag('py@2.0.0')).toBe(result.releaseCommit);
    expect(await fx.originTag('node@2.0.0')).toBe(result.releaseCommit);
    expect(await fx.originTag('v2.0.0')).toBe(head);
    expect(await git(fx.bare, ['rev-parse', `${result.releaseCommit}^`])).toBe(head);
    expect(await git(fx.bare, ['show', `${result.releaseCommit}:runtimes/py/manifest.yaml`])).toContain('version: 2.0.0');
    expect(await git(fx.root, ['status', '--porcelain'])).toBe('');
    const [umbrella] = releases('v2.0.0');
    expect(umbrella).toMatchObject({ prerelease: false, targetCommitish: head });
    expect(umbrella.body).toMatch(/\| node \| 2\.0\.0 \| `[0-9a-f]{64}` \| \[node@2\.0\.0\]\(http/);
    expect(umbrella.assets.map((a) => a.name)).toEqual(['umbrella.json', 'SHA256SUMS']);
    expect(JSON.parse(umbrella.assets[0].data.toString())).toMatchObject({ commit: head, release_commit: result.releaseCommit });
    await fx.assertConverged();
    // A re-run converges on the same commit and changes nothing.
    const count = fx.server.state.releases.length;
    expect(await run('refs/tags/v2.0.0')).toMatchObject({ status: 'released', releaseCommit: result.releaseCommit });
    expect(fx.server.state.releases).toHaveLength(count);
  });

  it('replaces the overridable v0.1-test at a new commit: tag moved, old release gone', async () => {
    const { fx, run, releases, newCommit } = await setup();
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
    expect(await fx.originTag('v0.1-test')).toBe(next);
    fx.server.assertNoViolations();
  });

  it('refuses an existing fixed v1.0.0 made from another commit, before changing anything', async () => {
    const { fx, run, releases, newCommit } = await setup();
    await run('refs/tags/v1.0.0');
    const before = JSON.stringify(fx.server.state.releases);
    const next = await newCommit();
    await fx.server.git.git(['update-ref', 'refs/tags/v1.0.0', next]); // someone force-moved the tag and CI runs again
    await expect(run('refs/tags/v1.0.0')).rejects.toThrow(/umbrella release v1\.0\.0 already exists \(made from [0-9a-f]{12}, this is [0-9a-f]{12}\)/);
    expect(JSON.stringify(fx.server.state.releases)).toBe(before);
    expect(releases('v1.0.0')).toHaveLength(1);
    fx.server.assertNoViolations();
  });

  it('--dry-run plans the umbrella and changes nothing: no request that writes, no ref, no file', async () => {
    const { fx, run, logger } = await setup();
    const before = await treeHash(fx.root);
    const origin = await git(fx.bare, ['for-each-ref']);
    const result = await run('refs/tags/v3.1.0', { dryRun: true });
    expect(result.status).toBe('planned');
    expect(logger.lines.join('\n')).toContain('umbrella v3.1.0 (immutable): tag create, release create, every manifest set to 3.1.0');
    expect(fx.server.state.releases).toEqual([]);
    expect(fx.server.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(await treeHash(fx.root)).toBe(before);
    expect(await git(fx.bare, ['for-each-ref'])).toBe(origin);
    fx.server.assertNoViolations();
  });
});
