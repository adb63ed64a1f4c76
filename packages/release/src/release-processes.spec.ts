import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { git, GIT_ENV, gitWorkspace, runtimeFiles } from './testing/fixtures';
import { githubFixture, type GitHubFixture } from './testing/github-fixture';

const CHILD = join(__dirname, 'testing', 'release-child.ts');

/** A release of `projectRoot` in `root` as its own process; with `pauseAfter` it prints `PAUSED <step>` there and hangs. */
function releaseInChild(root: string, projectRoot: string, env: NodeJS.ProcessEnv, pauseAfter?: string): ResultPromise<{ reject: false; all: true }> {
  return execa('node', ['-r', '@runway/ts-register', CHILD, root, projectRoot, ...(pauseAfter ? [pauseAfter] : [])], {
    env, cwd: join(__dirname, '..'), reject: false, all: true,
  });
}

/** Waits for the child to pause after `step`, then SIGKILLs it. */
async function killAfter(child: ReturnType<typeof releaseInChild>, step: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes(`PAUSED ${step}`)) resolve(); });
    child.then((r) => reject(new Error(`child ended before pausing: ${r.all}`)), reject);
  });
  child.kill('SIGKILL');
  expect((await child).signal).toBe('SIGKILL');
}

/** A second clone of the fixture's origin: another machine releasing the same commit. */
async function secondClone(fx: GitHubFixture): Promise<string> {
  const dir = await testdir();
  await git(dir, ['clone', '-q', fx.bare, '.']);
  return dir;
}

/** A seeded pseudo-random sequence, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('releases as separate processes (GitHub)', () => {
  it('ten runtimes released at the same time all land in registry.json, each tag on its built commit', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `rt-${i}`);
    const fx = await githubFixture(Object.assign({}, ...names.map((n) => runtimeFiles(n, '1.0.0', `echo ${n}\n`))));
    const built = await git(fx.root, ['rev-parse', 'HEAD']);
    const results = await Promise.all(names.map((n) => releaseInChild(fx.root, `runtimes/${n}`, fx.env)));
    for (const r of results) expect(r.exitCode, r.all).toBe(0);
    const registry = (await fx.originRegistry())!;
    expect(Object.keys(registry.runtimes).sort()).toEqual(names);
    for (const name of names) expect(await fx.originTag(`${name}@1.0.0`)).toBe(built);
    await fx.assertConverged();
  }, 600_000);

  it.each(['tagging commit', 'publishing release', 'verifying download'])('SIGKILLed right after "%s": invariants hold, and the next run converges', async (step) => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    await killAfter(releaseInChild(fx.root, 'runtimes/alpha', fx.env, step), step);
    await fx.assertInvariants();
    const rerun = await releaseInChild(fx.root, 'runtimes/alpha', fx.env);
    expect(rerun.exitCode, rerun.all).toBe(0);
    await fx.assertConverged();
    expect(fx.server.state.releases.filter((r) => !r.draft)).toMatchObject([{ tagName: 'alpha@1.0.0' }]);
  }, 300_000);

  it('two clones racing on one tag with different bytes: exactly one wins, the other fails clearly and leaves nothing in the winner', async () => {
    const fx = await githubFixture(runtimeFiles('alpha'));
    const other = await secondClone(fx);
    // Same commit, different SOURCE_DATE_EPOCH: one version, two different packages.
    const [a, b] = await Promise.all([
      releaseInChild(fx.root, 'runtimes/alpha', { ...fx.env, SOURCE_DATE_EPOCH: '1700000000' }),
      releaseInChild(other, 'runtimes/alpha', { ...fx.env, SOURCE_DATE_EPOCH: '1700000999' }),
    ]);
    expect([a.exitCode, b.exitCode].sort(), `${a.all}\n---\n${b.all}`).toEqual([0, 1]);
    const loser = a.exitCode === 1 ? a : b;
    expect(loser.all).toMatch(/alpha@1\.0\.0 (was published meanwhile by another release with different content|is already released with different content|is already published with different content)/);
    expect(loser.all).not.toMatch(/\n\s+at |internal error/);
    const winner = JSON.parse((a.exitCode === 0 ? a : b).stdout.trim().split('\n').pop()!);
    const published = fx.server.state.releases.filter((r) => !r.draft);
    expect(published).toHaveLength(1);
    expect(published[0].assets.find((x) => x.name === 'alpha-1.0.0.tar.gz')!.digest).toBe(`sha256:${winner.assets[0].sha256}`);
    expect((await fx.originRegistry())!.runtimes.alpha['1.0.0'].checksum).toBe(`sha256:${winner.assets[0].sha256}`);
    // The loser deleted its own draft: no draft holds a package of other bytes.
    expect(fx.server.state.releases.filter((r) => r.draft).flatMap((r) => r.assets)).toEqual([]);
    await fx.assertConverged();
  }, 300_000);

  it('under 30% API faults, racing clones and kills at random moments, the registry never points at a wrong download, and it converges', async () => {
    const names = ['k0', 'k1'];
    const fx = await githubFixture(Object.assign({}, ...names.map((n) => runtimeFiles(n))), { rate: 0.3, seed: 11 });
    const other = await secondClone(fx);
    const random = seeded(42);
    for (let round = 0; round < 3; round++) {
      const children = names.flatMap((n, i) => [
        releaseInChild(fx.root, `runtimes/${n}`, { ...fx.env, SOURCE_DATE_EPOCH: String(1700000000 + i) }),
        releaseInChild(other, `runtimes/${n}`, { ...fx.env, SOURCE_DATE_EPOCH: String(1700000000 + i + round) }),
      ]);
      // Kill some of them at a random moment of their run (start-up takes a few seconds).
      for (const child of children) if (random() < 0.5) setTimeout(() => child.kill('SIGKILL'), 1500 + random() * 12_000);
      await Promise.all(children);
      await fx.assertInvariants();
    }
    fx.server.setFaults(undefined);
    for (const n of names) {
      const rerun = await releaseInChild(fx.root, `runtimes/${n}`, { ...fx.env, SOURCE_DATE_EPOCH: '1700000000' });
      // A version another process published with other bytes is refused, clearly; else it converges.
      if (rerun.exitCode !== 0) expect(rerun.all).toMatch(/already (released|published) with different content/);
      else expect(rerun.all).not.toMatch(/internal error/);
    }
    await fx.assertInvariants();
    const registry = (await fx.originRegistry())!;
    for (const r of fx.server.state.releases.filter((x) => !x.draft)) {
      const [name, version] = r.tagName.split('@');
      // Whatever won, its registry entry names exactly its package once a run has completed it.
      const entry = registry.runtimes[name]?.[version];
      if (entry) expect(r.assets.find((a) => a.name === `${name}-${version}.tar.gz`)!.digest).toBe(entry.checksum);
    }
  }, 900_000);
});

describe('releases as separate processes (directory)', () => {
  it('two processes racing on one tag with different bytes: exactly one wins; the folder and the registry hold the winner', async () => {
    const { root } = await gitWorkspace(runtimeFiles('alpha'));
    const env = { ...process.env, ...GIT_ENV, GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_TOKEN: undefined, SWC_NODE_PROJECT: join(__dirname, '../../../tsconfig.json') };
    const [a, b] = await Promise.all([
      releaseInChild(root, 'runtimes/alpha', { ...env, SOURCE_DATE_EPOCH: '1700000000' }),
      releaseInChild(root, 'runtimes/alpha', { ...env, SOURCE_DATE_EPOCH: '1700000999' }),
    ]);
    expect([a.exitCode, b.exitCode].sort(), `${a.all}\n---\n${b.all}`).toEqual([0, 1]);
    const winner = JSON.parse((a.exitCode === 0 ? a : b).stdout.trim().split('\n').pop()!);
    const registry = JSON.parse(await readFile(join(root, 'dist/registry/registry.json'), 'utf8'));
    expect(registry.runtimes.alpha['1.0.0'].checksum).toBe(`sha256:${winner.assets[0].sha256}`);
    expect((a.exitCode === 1 ? a : b).all).toMatch(/different content/);
  }, 300_000);
});
