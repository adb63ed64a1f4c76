import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { latestVersion } from '@runway/registry';
import { git, runtimeFiles } from '../testing/fixtures';
import { githubFixture } from '../testing/github-fixture';
import { releaseAlphaVersion } from '../testing/release-version';
import { deprecateRelease } from './deprecate-release';

const release = releaseAlphaVersion;

describe('runway deprecate on GitHub (the OpenAPI-checked test server)', () => {
  it('pushes the marked registry entry and puts the banner on top of the release body; a re-run changes nothing', async () => {
    const fx = await githubFixture(runtimeFiles('alpha', '0.1.0'));
    await expect(release(fx, '1.0.0')).resolves.toMatchObject({ status: 'released' });
    await expect(release(fx, '1.1.0')).resolves.toMatchObject({ status: 'released' });
    const body = fx.server.state.releases.find((r) => r.tagName === 'alpha@1.1.0')!.body;
    const run = () => deprecateRelease({
      workspaceRoot: fx.root, target: fx.target, github: fx.api(), dryRun: false, env: {}, logger: memoryLogger(),
      request: { target: 'alpha@1.1.0', use: '1.0.0', reason: 'breaks pip' },
    });
    await expect(run()).resolves.toMatchObject({ status: 'deprecated', entries: ['alpha@1.1.0'], notes: ['alpha@1.1.0'] });
    const registry = (await fx.originRegistry())!;
    expect(registry.runtimes.alpha['1.1.0'].deprecated).toMatchObject({ reason: 'breaks pip', use: '1.0.0' });
    expect(latestVersion(registry.runtimes.alpha)).toBe('1.0.0');
    const updated = fx.server.state.releases.find((r) => r.tagName === 'alpha@1.1.0')!;
    expect(updated.body).toBe(`<!-- runway:deprecated -->\n## ⚠️ Deprecated\n\nThis release is deprecated: breaks pip\n\nUse \`alpha@1.0.0\` instead.\n<!-- /runway:deprecated -->\n\n${body}`);
    expect(updated.assets.map((a) => a.name).sort()).toEqual(['SHA256SUMS', 'alpha-1.1.0.cdx.json', 'alpha-1.1.0.tar.gz', 'alpha-1.1.0.tar.gz.sha256']);
    const head = await git(fx.bare, ['rev-parse', 'main']);
    await expect(run()).resolves.toMatchObject({ status: 'already-deprecated' });
    expect(await git(fx.bare, ['rev-parse', 'main'])).toBe(head);
    await fx.assertInvariants();
  }, 400_000); // two real releases; slow on a loaded 2-core machine
});
