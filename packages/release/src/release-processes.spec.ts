import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { githubFixture, type GitHubFixture } from './testing/github-fixture';
import { runtimeFiles } from './testing/fixtures';

const CHILD = join(__dirname, 'testing', 'release-child.ts');

function releaseInChild(fx: GitHubFixture, projectRoot: string, pauseAfter?: string) {
  return execa('node', ['-r', '@runway/ts-register', CHILD, fx.root, projectRoot, ...(pauseAfter ? [pauseAfter] : [])], {
    env: fx.env, cwd: join(__dirname, '..'), reject: false, all: true,
  });
}

describe('releases as separate processes', () => {
  it('ten runtimes released at the same time all land in registry.json on the default branch', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `rt-${i}`);
    const fx = await githubFixture(Object.assign({}, ...names.map((n) => runtimeFiles(n, '1.0.0', `echo ${n}\n`))));
    const results = await Promise.all(names.map((n) => releaseInChild(fx, `runtimes/${n}`)));
    for (const r of results) expect(r.exitCode, r.all).toBe(0);

    const registry = (await fx.originRegistry())!;
    expect(Object.keys(registry.runtimes).sort()).toEqual(names);
    for (const name of names) {
      const release = fx.server.state.releases.find((r) => r.tagName === `${name}@1.0.0`)!;
      const packages = release.assets.filter((a) => a.name.endsWith('.tar.gz'));
      expect(packages).toHaveLength(1);
      expect(packages[0].digest).toBe(registry.runtimes[name]['1.0.0'].checksum);
    }
    await fx.assertInvariants();
    expect(fx.server.violations).toEqual([]);
  }, 300_000);

  it('a release SIGKILLed after publishing assets converges on the next run', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const child = execa('node', ['-r', '@runway/ts-register', CHILD, fx.root, 'runtimes/alpha', 'publishing assets'], {
      env: fx.env, cwd: join(__dirname, '..'), reject: false,
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('PAUSED publishing assets')) resolve(); });
      child.then((r) => reject(new Error(`child ended before pausing: ${r.stderr}`)), reject);
    });
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');
    expect(fx.server.state.releases).toMatchObject([{ tagName: 'alpha@1.0.0', draft: true }]);
    await fx.assertInvariants();

    const rerun = await releaseInChild(fx, 'runtimes/alpha');
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(fx.server.state.releases).toMatchObject([{ tagName: 'alpha@1.0.0', draft: false }]);
    expect((await fx.originRegistry())!.runtimes.alpha['1.0.0']).toBeDefined();
    await fx.assertInvariants();
  }, 120_000);
});
