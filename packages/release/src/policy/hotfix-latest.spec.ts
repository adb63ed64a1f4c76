import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { latestVersion } from '@runway/registry';
import { releaseProject } from '../release-project';
import { commitAll, git, runtimeFiles } from '../testing/fixtures';
import { githubFixture, type GitHubFixture } from '../testing/github-fixture';

async function release(fx: GitHubFixture, version: string) {
  await git(fx.root, ['pull', '-q', '--rebase', 'origin', 'main']);
  await writeFile(join(fx.root, 'runtimes/alpha/manifest.yaml'), `name: alpha\nversion: ${version}\ndescription: "alpha test runtime"\nplatforms:\n  - ubuntu-amd64\n`);
  await commitAll(fx.root, `alpha ${version}`);
  await git(fx.root, ['push', '-q', 'origin', 'main']);
  return releaseProject({ workspaceRoot: fx.root, projectRoot: 'runtimes/alpha', dryRun: false, env: {}, renderer: 'silent', target: fx.target, github: fx.api(), logger: memoryLogger() });
}

/** The tag of the release GitHub shows as "Latest". */
function latestBadge(fx: GitHubFixture): string | undefined {
  const id = fx.server.state.latestId;
  return id === undefined ? undefined : fx.server.state.findRelease(id)?.tagName;
}

describe('GitHub "Latest" follows the latest decision', () => {
  it('a hotfix of an older line is published without taking "Latest" or the registry\'s latest; a newer release takes both', async () => {
    const fx = await githubFixture(runtimeFiles('alpha', '0.1.0')); // each release() commits its version
    await expect(release(fx, '1.3.0')).resolves.toMatchObject({ status: 'released' });
    expect(latestBadge(fx)).toBe('alpha@1.3.0');

    // GitHub's default (make_latest "true") would hand the badge to the hotfix published last.
    await expect(release(fx, '1.2.1')).resolves.toMatchObject({ status: 'released' });
    expect(latestBadge(fx)).toBe('alpha@1.3.0');
    expect(latestVersion((await fx.originRegistry())!.runtimes.alpha)).toBe('1.3.0');

    await expect(release(fx, '1.4.0')).resolves.toMatchObject({ status: 'released' });
    expect(latestBadge(fx)).toBe('alpha@1.4.0');
    expect(latestVersion((await fx.originRegistry())!.runtimes.alpha)).toBe('1.4.0');
    await fx.assertConverged();
  }, 400_000); // three real releases; slow on a loaded 2-core machine
});
