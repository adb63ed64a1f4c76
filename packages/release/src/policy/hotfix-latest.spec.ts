import { describe, expect, it } from 'vitest';
import { latestVersion } from '@runway/registry';
import { runtimeFiles } from '../testing/fixtures';
import { githubFixture, type GitHubFixture } from '../testing/github-fixture';
import { releaseAlphaVersion } from '../testing/release-version';

const release = releaseAlphaVersion;

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
