import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { createDockerApi, createRegistryClient, dockerTestSettings, packBuildContext } from '@runway/publisher-docker';
import { parseSemver, versionTags } from '@runway/release-policy';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import { gitWorkspace, payloadFiles } from '../testing/fixtures';
import { deprecateRelease } from './deprecate-release';
import { releaseTwoVersions } from './testing/release-two-versions';

const docker = dockerTestSettings();

/** The payload `name` at `version`, with one alias image. */
function demoFiles(name: string, version: string) {
  const files = payloadFiles(name, version);
  files[`payloads/${name}/manifest.yaml`] = `name: ${name}\nversion: ${version}\ndescription: "${name} test payload"\naliases: [runenv-${name}-alias]\n`;
  return files;
}

describe.runIf(docker)('runway deprecate moves a payload\'s image tags (real Docker engine and registry)', () => {
  const s = docker!;
  const registry = createRegistryClient({ host: s.registry });

  /** Builds a tiny image naming `version` and pushes it to every repository under the tags a release of it gets. */
  async function publishImage(repositories: string[], version: string, published: string[]): Promise<string> {
    const tags = versionTags(parseSemver(version)!, published.map((p) => parseSemver(p)!));
    const api = createDockerApi(s.env);
    const dir = await testdir({ Dockerfile: `FROM ${s.baseImage}\nCOPY v.txt /v.txt\n`, 'v.txt': `${version}\n` });
    await api.buildImage(await packBuildContext(dir), { dockerfile: 'Dockerfile', tags: repositories.flatMap((r) => tags.map((t) => `${r}:${t}`)), labels: {} });
    const digests = new Set<string>();
    for (const r of repositories) for (const t of tags) digests.add(await api.pushImage(r, t));
    expect(digests.size).toBe(1);
    return [...digests][0];
  }

  /** Every tag of the repository path → its digest. */
  async function tagsOf(path: string): Promise<Record<string, string | undefined>> {
    const tags = (await registry.listTags(path)).sort();
    return Object.fromEntries(await Promise.all(tags.map(async (t) => [t, await registry.manifestDigest(path, t)])));
  }

  it('moves latest, 1 and 1.3 of the image and its alias back to 1.2.2 after the registry and the notes; 1.2.2 and 1.3.0 untouched; dry run and re-run change nothing', async () => {
    const { root, dir, target } = await releaseTwoVersions(demoFiles('demo', '1.2.2'), 'payloads/demo', '1.2.2', '1.3.0');

    const prefix = `${s.registry}/t${randomBytes(4).toString('hex')}`;
    const paths = ['runenv-demo', 'runenv-demo-alias'].map((n) => `${prefix.slice(s.registry.length + 1)}/${n}`);
    const repositories = paths.map((p) => `${s.registry}/${p}`);
    const good = await publishImage(repositories, '1.2.2', []);
    const bad = await publishImage(repositories, '1.3.0', ['1.2.2']);
    expect(bad).not.toBe(good);
    const before = await tagsOf(paths[0]);
    expect(before).toEqual({ '1': bad, '1.2': good, '1.2.2': good, '1.3': bad, '1.3.0': bad, latest: bad });

    // The command line, dry run: the plan names every move; nothing changes.
    const cli = await execa(join(REPO_ROOT, 'node_modules/.bin/runway'), [
      'deprecate', 'demo@1.3.0', '--use', '1.2.2', '--reason', 'breaks on arm', '--registry-dir', dir, '--image-registry', prefix, '--dry-run',
    ], { cwd: root, reject: false, env: { ...s.env, CI: 'true', GITHUB_TOKEN: '', GITHUB_REPOSITORY: '' } });
    expect(cli.exitCode, cli.stderr).toBe(0);
    for (const repository of repositories) {
      for (const tag of ['1.3', '1', 'latest']) expect(cli.stdout).toContain(`move ${repository}:${tag} to the image of 1.2.2 (${bad} → ${good})`);
    }
    expect(cli.stdout).toContain('dry run: nothing changed');
    for (const path of paths) expect(await tagsOf(path)).toEqual(before);

    const run = () => deprecateRelease({
      workspaceRoot: root, target, request: { target: 'demo@1.3.0', use: '1.2.2', reason: 'breaks on arm' },
      dryRun: false, imageRegistry: prefix, env: s.env, logger: memoryLogger(),
    });
    const done = await run();
    expect(done).toMatchObject({ status: 'deprecated', entries: ['demo@1.3.0'], notes: ['demo@1.3.0'] });
    expect(done.images.sort()).toEqual(repositories.flatMap((r) => ['1', '1.3', 'latest'].map((t) => `${r}:${t} → 1.2.2`)).sort());
    for (const path of paths) {
      expect(await tagsOf(path)).toEqual({ '1': good, '1.2': good, '1.2.2': good, '1.3': good, '1.3.0': bad, latest: good });
    }
    const entry = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8')).payloads.demo['1.3.0'];
    expect(entry.deprecated).toMatchObject({ reason: 'breaks on arm', use: '1.2.2' });

    // Planning again finds everything done: nothing moves, nothing is written.
    const after = await readFile(join(dir, 'registry.json'), 'utf8');
    await expect(run()).resolves.toMatchObject({ status: 'already-deprecated', entries: [], notes: [], images: [] });
    expect(await readFile(join(dir, 'registry.json'), 'utf8')).toBe(after);
    for (const path of paths) expect((await tagsOf(path)).latest).toBe(good);
  }, 600_000); // two real releases and four image builds on vfs, on a loaded 2-core machine

  it('an image-only payload (no registry entry) gets the banner and the moves', async () => {
    const { root } = await gitWorkspace(payloadFiles('tool', '1.3.0'));
    const dir = join(root, 'dist/registry');
    // Its releases carry notes but no registry entry (the payload ships as an image only).
    for (const tag of ['tool@1.2.2', 'tool@1.3.0']) {
      await mkdir(join(dir, 'releases/download', tag), { recursive: true });
      await writeFile(join(dir, 'releases/download', tag, 'NOTES.md'), `Release ${tag}\n`);
    }
    const prefix = `${s.registry}/t${randomBytes(4).toString('hex')}`;
    const path = `${prefix.slice(s.registry.length + 1)}/runenv-tool`;
    const good = await publishImage([`${s.registry}/${path}`], '1.2.2', []);
    const bad = await publishImage([`${s.registry}/${path}`], '1.3.0', ['1.2.2']);

    const run = () => deprecateRelease({
      workspaceRoot: root, target: { kind: 'directory', dir }, request: { target: 'tool@1.3.0', use: '1.2.2', reason: 'leaks memory' },
      dryRun: false, env: { ...s.env, RUNWAY_IMAGE_REGISTRY: prefix }, logger: memoryLogger(),
    });
    await expect(run()).resolves.toMatchObject({ status: 'deprecated', entries: [], notes: ['tool@1.3.0'] });
    expect(await readFile(join(dir, 'releases/download/tool@1.3.0/NOTES.md'), 'utf8')).toContain('This release is deprecated: leaks memory');
    expect(await tagsOf(path)).toEqual({ '1': good, '1.2': good, '1.2.2': good, '1.3': good, '1.3.0': bad, latest: good });
    await expect(run()).resolves.toMatchObject({ status: 'already-deprecated', images: [] });
  }, 300_000);
});

describe('runway deprecate of a payload without image registry', () => {
  it('is refused before anything changes, saying how to configure it', async () => {
    const { root } = await gitWorkspace(payloadFiles('tool', '1.3.0'));
    const dir = join(root, 'dist/registry');
    await mkdir(join(dir, 'releases/download/tool@1.3.0'), { recursive: true });
    await writeFile(join(dir, 'releases/download/tool@1.3.0/NOTES.md'), 'notes\n');
    await expect(deprecateRelease({
      workspaceRoot: root, target: { kind: 'directory', dir }, request: { target: 'tool@1.3.0', use: '1.2.2', reason: 'x' }, dryRun: false, env: {}, logger: memoryLogger(),
    })).rejects.toThrow('tool is a payload whose runenv image tags move with the deprecation, but no image registry is configured');
    expect(await readFile(join(dir, 'releases/download/tool@1.3.0/NOTES.md'), 'utf8')).toBe('notes\n');
  });
});
