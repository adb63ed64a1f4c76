import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvironment, environmentFileName, readRuntimeManifest, type BuiltEnvironment } from '@runway/debian-env';
import { parseManifest } from '@runway/manifest';
import { createRegistryClient, dockerTestSettings } from '@runway/publisher-docker';
import { nxWorkspace, REPO_ROOT, testdir, type FixtureFile, type NxWorkspace } from '@runway/test-utils';
import { hostDebianPlatform } from './runtime-environment';

const docker = dockerTestSettings();
const platform = hostDebianPlatform();
/** Real Debian builds on a loaded 2-core machine take minutes each, and the Docker builds run on vfs. */
const TIMEOUT_MS = 40 * 60 * 1000;

/** The files of a folder of this repository as fixture files, with their modes. */
async function repoFiles(folder: string): Promise<Record<string, FixtureFile>> {
  const files: Record<string, FixtureFile> = {};
  for (const entry of await readdir(join(REPO_ROOT, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(REPO_ROOT.length + 1)] = { content: await readFile(path), mode: (await stat(path)).mode & 0o777 };
  }
  return files;
}

/**
 * The shipped runenv payloads, each published through `nx run <payload>:publish-runenv-image` in a
 * throwaway workspace holding the payload and its runtime, from that runtime's environment really
 * built from its committed lock (each at most once per run, shared by the tests here), to the test
 * registry with the channel tags of a default-branch push; then pulled back by digest and run.
 */
describe.runIf(docker)('runenv images built from runtime environments (real Debian builds, Docker engine, registry)', () => {
  const s = docker!;
  let shared = '';
  beforeAll(async () => { shared = await mkdtemp(join(tmpdir(), 'runway-runenv-environments-')); });
  afterAll(() => rm(shared, { recursive: true, force: true }));

  const builds = new Map<string, Promise<BuiltEnvironment>>();
  /** The runtime's environment, built on first use from the repository's runtime folder. */
  const environment = (runtime: string): Promise<BuiltEnvironment> => {
    if (!builds.has(runtime)) {
      builds.set(runtime, (async () => {
        const started = Date.now();
        const built = await buildEnvironment({
          projectDir: join(REPO_ROOT, 'runtimes', runtime), platform, outDir: join(shared, runtime), workDir: await testdir(),
          // The release's SOURCE_DATE_EPOCH (unset: 1980-01-01) and the suite's build cache: the same bytes the
          // release specs build, built once per run (the cache checks the sha256 on reuse).
          buildCacheDir: process.env.RUNWAY_DEBIAN_BUILD_CACHE,
        });
        console.info(`[build time] ${runtime} ${platform}: ${((Date.now() - started) / 1000).toFixed(1)} s${built.fromBuildCache ? ' [suite build cache]' : ''}, ${(built.size / 1e6).toFixed(1)} MB`);
        return built;
      })());
    }
    return builds.get(runtime)!;
  };

  /** A committed workspace with the shipped payload and runtime, and the runtime's build output in dist/. */
  async function workspace(payload: string, runtime: string, edit: (files: Record<string, FixtureFile>) => void = () => {}): Promise<{ ws: NxWorkspace; built: BuiltEnvironment }> {
    const files = { ...await repoFiles(`runtimes/${runtime}`), ...await repoFiles(`payloads/${payload}`) };
    edit(files);
    const [ws, built] = await Promise.all([nxWorkspace(files), environment(runtime)]);
    const dist = join(ws.dir, 'dist/runtimes', runtime);
    await mkdir(dist, { recursive: true });
    for (const file of [built.fileName, `${built.fileName}.sha256`]) await copyFile(join(built.path, '..', file), join(dist, file));
    return { ws, built };
  }

  /** `publish-runenv-image` as CI runs it on a push to main; the runtime's build is in dist/ already. */
  async function publish(ws: NxWorkspace, payload: string): Promise<{ prefix: string; sha: string; run: Awaited<ReturnType<NxWorkspace['nx']>> }> {
    const sha = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const prefix = `${s.registry}/t${randomBytes(4).toString('hex')}`;
    const started = Date.now();
    const run = await ws.nx(['run', `${payload}:publish-runenv-image`, '--excludeTaskDependencies'], {
      ...s.env, RUNWAY_IMAGE_REGISTRY: prefix, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: sha, CI: 'true',
    });
    console.info(`[image time] runenv-${payload}: ${((Date.now() - started) / 1000).toFixed(1)} s (stage, build, smoke, push, verify)`);
    return { prefix, sha, run };
  }

  const dockerCli = (args: string[]) => execa('docker', args, { env: s.env, reject: false, all: true });

  it.each([
    { payload: 'python', runtime: 'python-3.11', alias: 'runenv-python-3.11', command: ['python3', '-c', 'print(1+1)'], stdout: /^2$/ },
    { payload: 'node', runtime: 'node-18', alias: 'runenv-node-18', command: ['node', '-e', 'console.log(process.version.split(".")[0], 6 * 7)'], stdout: /^v18 42$/ },
    { payload: 'java', runtime: 'openjdk-17', alias: 'runenv-java-17', command: ['java', '-version'], stderr: /^openjdk version "17\.[\s\S]*OpenJDK 64-Bit Server VM/ },
  ])('runenv-$payload holds the $runtime environment, passes its smoke command, is pushed with its channel tags and runs its language', async (c) => {
    const { ws, built } = await workspace(c.payload, c.runtime);
    const { prefix, sha, run } = await publish(ws, c.payload);
    // Read, not written here: a lock refresh bumps the runtime's version.
    const { version } = await readRuntimeManifest(join(REPO_ROOT, 'runtimes', c.runtime));
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toContain(`unpacking ${join(ws.dir, 'dist/runtimes', c.runtime, environmentFileName(c.runtime, version, platform))} into the build context as runtime/`);
    expect(run.all).toContain('running the smoke command in');

    const registry = createRegistryClient({ host: s.registry });
    const repo = prefix.slice(s.registry.length + 1);
    const tags = ['edge', `nightly-${new Date().toISOString().slice(0, 10)}`, `sha-${sha.slice(0, 7)}`];
    expect((await registry.listTags(`${repo}/runenv-${c.payload}`)).sort()).toEqual([...tags].sort());
    const digests = await Promise.all([`runenv-${c.payload}`, c.alias].flatMap((image) => tags.map((t) => registry.manifestDigest(`${repo}/${image}`, t))));
    expect(new Set(digests).size).toBe(1);
    expect(digests[0]).toMatch(/^sha256:[0-9a-f]{64}$/);

    // Pulled back by digest, as a user would, without the local tags.
    const byDigest = `${prefix}/runenv-${c.payload}@${digests[0]}`;
    await dockerCli(['rmi', '-f', ...[`runenv-${c.payload}`, c.alias].flatMap((image) => tags.map((t) => `${prefix}/${image}:${t}`))]);
    expect((await dockerCli(['pull', '-q', byDigest])).exitCode).toBe(0);
    const ran = await dockerCli(['run', '--rm', '--network', 'none', byDigest, ...c.command]);
    expect(ran.exitCode, ran.all).toBe(0);
    if (c.stdout) expect(ran.stdout.trim()).toMatch(c.stdout);
    if (c.stderr) expect(ran.stderr.trim()).toMatch(c.stderr);

    // The manifest's smoke command, under docker run against the pushed image.
    const manifest = parseManifest(await readFile(join(REPO_ROOT, 'payloads', c.payload, 'manifest.yaml'), 'utf8'), { file: 'manifest.yaml', kind: 'payload', folderName: c.payload }).manifest!;
    const smoke = await dockerCli(['run', '--rm', '--network', 'none', '--entrypoint', manifest.smoke![0], byDigest, ...manifest.smoke!.slice(1)]);
    expect(smoke.exitCode, smoke.all).toBe(0);

    const labels = JSON.parse((await dockerCli(['inspect', '--format', '{{json .Config.Labels}}', byDigest])).stdout);
    expect(labels).toMatchObject({
      'dev.runway.runtime': `${c.runtime}@${version}`, 'dev.runway.runtime.platform': platform, 'dev.runway.runtime.checksum': `sha256:${built.sha256}`,
      'org.opencontainers.image.revision': sha,
    });
  }, TIMEOUT_MS);

  it('an image that fails its smoke command is never pushed, and the output says why', async () => {
    const { ws } = await workspace('python', 'python-3.11', (files) => {
      const text = String((files['payloads/python/manifest.yaml'] as { content: Buffer }).content);
      files['payloads/python/manifest.yaml'] = text.replace(/^smoke: .*$/m, `smoke: [python3, -c, "import sys; print('no numpy here'); sys.exit(3)"]`);
    });
    const { prefix, run } = await publish(ws, 'python');
    expect(run.exitCode).not.toBe(0);
    expect(run.all).toContain('the runenv image of python failed its smoke command (exit 3)');
    expect(run.all).toContain('no numpy here');
    const registry = createRegistryClient({ host: s.registry });
    expect(await registry.listTags(`${prefix.slice(s.registry.length + 1)}/runenv-python`)).toEqual([]);
  }, TIMEOUT_MS);
});
