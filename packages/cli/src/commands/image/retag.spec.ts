import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import { createDockerApi, createRegistryClient, dockerTestSettings, packBuildContext } from '@runway/publisher-docker';

const docker = dockerTestSettings();

describe.runIf(docker)('runway image retag (real registry; skipped only outside CI without the Docker test services)', () => {
  const s = docker!;

  /** Builds an image whose content names `version` and pushes it under each tag. */
  async function publish(repository: string, version: string, tags: string[]): Promise<string> {
    const api = createDockerApi(s.env);
    const dir = await testdir({ Dockerfile: `FROM ${s.baseImage}\nCOPY v.txt /v.txt\nCMD ["cat", "/v.txt"]\n`, 'v.txt': `${version}\n` });
    await api.buildImage(await packBuildContext(dir), { dockerfile: 'Dockerfile', tags: tags.map((t) => `${repository}:${t}`), labels: {} });
    const digests = new Set<string>();
    for (const tag of tags) digests.add(await api.pushImage(repository, tag));
    expect(digests.size).toBe(1);
    return [...digests][0];
  }

  it('moves latest, X and X.Y back to an older digest without rebuilding', async () => {
    const path = `t${randomBytes(4).toString('hex')}/runenv-demo`;
    const repository = `${s.registry}/${path}`;
    const old = await publish(repository, '1.0.0', ['1.0.0', '1.0', '1', 'latest']);
    const bad = await publish(repository, '1.1.0', ['1.1.0', '1.1', '1', 'latest']);
    expect(bad).not.toBe(old);
    const registry = createRegistryClient({ host: s.registry });
    const runway = (args: string[]) => execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), ['image', 'retag', repository, ...args], { reject: false, env: { CI: 'true' } });

    const dry = await runway(['--to', '1.0.0', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would move latest: ${bad} → ${old}`);
    expect(dry.stdout).toContain('not counting withdrawn 1.1.0');
    expect(await registry.manifestDigest(path, 'latest')).toBe(bad);

    const real = await runway(['--to', '1.0.0', '--json']);
    expect(real.exitCode, real.stderr).toBe(0);
    const result = JSON.parse(real.stdout);
    expect(result.moves).toEqual([
      { tag: '1.0', from: old, to: old, changed: false },
      { tag: '1', from: bad, to: old, changed: true },
      { tag: 'latest', from: bad, to: old, changed: true },
    ]);
    expect(await registry.manifestDigest(path, 'latest')).toBe(old);
    expect(await registry.manifestDigest(path, '1')).toBe(old);
    expect(await registry.manifestDigest(path, '1.1')).toBe(bad);

    const again = await runway(['--to', '1.0.0']);
    expect(again.stdout).toContain('latest: already at');
  });

  it('refuses a version that was never published', async () => {
    const r = await execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), ['image', 'retag', `${s.registry}/nothing-here/runenv-x`, '--to', '9.9.9'], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('version 9.9.9 is not published');
  });
});

describe('runway image retag refusals (no registry needed)', () => {
  const retag = (args: string[]) => execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), ['image', 'retag', ...args], { reject: false, env: { CI: 'true' } });

  it('a registry that cannot be reached is a temporary failure: exit 75, no stack trace', async () => {
    // Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    const r = await retag(['127.0.0.1:9/acme/runenv-x', '--to', '1.0.0']);
    expect(r.exitCode, r.stderr).toBe(75);
    expect(r.stderr).toContain('cannot reach registry 127.0.0.1:9');
    expect(r.stderr).toContain('temporary failure: re-run to retry');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('an unreadable Docker config is an environment mistake: exit 1, what and where, no stack trace', async () => {
    const home = await testdir({ 'not-a-folder': 'x' });
    const r = await execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), ['image', 'retag', '127.0.0.1:9/acme/runenv-x', '--to', '1.0.0'], {
      reject: false, env: { CI: 'true', DOCKER_CONFIG: join(home, 'not-a-folder') },
    });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain(`cannot open ${join(home, 'not-a-folder', 'config.json')}: a part of the path is a file, not a folder (ENOTDIR)`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('an invalid --to is a usage error, refused before the registry is asked', async () => {
    const r = await retag(['127.0.0.1:9/acme/runenv-x', '--to', '../latest', '--published', '1.0.0']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('--to ../latest is not a stable version');
  });
});
