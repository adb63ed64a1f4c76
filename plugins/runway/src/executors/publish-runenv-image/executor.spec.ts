import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { nxWorkspace } from '@runway/test-utils';
import { createRegistryClient, dockerTestSettings } from '@runway/publisher-docker';

const docker = dockerTestSettings();

/** A payload that builds offline on the locally imported busybox base and prints its version. */
function payloadFixture(name: string, opts: { failingStep?: boolean } = {}) {
  return {
    [`payloads/${name}/manifest.yaml`]: `name: ${name}\nversion: 1.2.3\ndescription: test payload\naliases:\n  - runenv-${name}-1\n`,
    [`payloads/${name}/Dockerfile`]: [
      `FROM ${docker?.baseImage ?? 'runway-base:busybox'}`,
      'COPY hello.txt /hello.txt',
      ...(opts.failingStep ? ['RUN echo "about to fail" && exit 3'] : []),
      'CMD ["cat", "/hello.txt"]',
      '',
    ].join('\n'),
    [`payloads/${name}/hello.txt`]: `hello from ${name}\n`,
  };
}

const unique = () => `t${randomBytes(4).toString('hex')}`;

describe('publish-runenv-image executor', () => {
  it('prints the plan in a dry run and touches nothing', async () => {
    const ws = await nxWorkspace(payloadFixture('demo'));
    const sha = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const run = await ws.nx(['run', 'demo:publish-runenv-image', '--dryRun'], {
      RUNWAY_IMAGE_REGISTRY: 'registry.invalid/acme', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: '', DOCKER_HOST: 'unix:///nonexistent.sock',
    });
    expect(run.exitCode, run.all).toBe(0);
    for (const image of ['runenv-demo', 'runenv-demo-1']) {
      for (const tag of ['edge', `nightly-${new Date().toISOString().slice(0, 10)}`, `sha-${sha.slice(0, 7)}`]) {
        expect(run.all).toContain(`registry.invalid/acme/${image}:${tag}`);
      }
    }
    expect(run.all).toContain(`org.opencontainers.image.revision=${sha}`);
    expect(run.all).toContain('org.opencontainers.image.version=1.2.3');
  });

  it('skips a runtime with the reason', async () => {
    const ws = await nxWorkspace({
      'runtimes/rt/manifest.yaml': 'name: rt\nversion: 1.0.0\ndescription: r\nplatforms:\n  - debian-amd64\n',
      'runtimes/rt/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
      'runtimes/rt/setup-debian-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    });
    const run = await ws.nx(['run', 'rt:publish-runenv-image'], { RUNWAY_IMAGE_REGISTRY: 'registry.invalid/acme' });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/rt: skipped \(rt is a runtime: it has no Dockerfile/);
  });

  it('a payload built from a runtime: the dry run names the environment file and labels it; a missing one is a clear error', async () => {
    const ws = await nxWorkspace({
      'runtimes/rt/manifest.yaml': 'name: rt\nversion: 1.4.0\nplatforms: [debian-amd64, ubuntu-amd64]\ndebian:\n  suite: bookworm\n  packages: [python3]\n',
      'runtimes/rt/setup.sh': { content: '#!/bin/sh\n', mode: 0o755 },
      'runtimes/rt/setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o755 },
      'runtimes/plain/manifest.yaml': 'name: plain\nversion: 1.0.0\nplatforms: [ubuntu-amd64]\n',
      'payloads/demo/manifest.yaml': 'name: demo\nversion: 1.2.3\nruntime: rt\n',
      'payloads/demo/Dockerfile': 'FROM scratch\nCOPY runtime/ /\n',
    });
    const env = { RUNWAY_IMAGE_REGISTRY: 'registry.invalid/acme', GITHUB_REF: 'refs/heads/main', DOCKER_HOST: 'unix:///nonexistent.sock' };
    const args = ['run', 'demo:publish-runenv-image', '--dryRun', '--platform=debian-amd64', '--excludeTaskDependencies'];
    const missing = await ws.nx(args, env);
    expect(missing.exitCode).toBe(1);
    expect(missing.all).toContain(`the debian-amd64 environment of rt@1.4.0 is not built: ${join(ws.dir, 'dist/runtimes/rt/rt-1.4.0-debian-amd64.tar.gz')} is missing`);
    expect(missing.all).toContain('run nx run rt:build');

    const tarball = join(ws.dir, 'dist/runtimes/rt/rt-1.4.0-debian-amd64.tar.gz');
    await mkdir(join(ws.dir, 'dist/runtimes/rt'), { recursive: true });
    await writeFile(tarball, 'not really an environment');
    await writeFile(`${tarball}.sha256`, `${'ab'.repeat(32)}  rt-1.4.0-debian-amd64.tar.gz\n`);
    const planned = await ws.nx(args, env);
    expect(planned.exitCode, planned.all).toBe(0);
    expect(planned.all).toContain(`demo: build context runtime/ = the debian-amd64 environment of rt@1.4.0: ${tarball} (sha256:${'ab'.repeat(32)})`);
    expect(planned.all).toContain('dev.runway.runtime=rt@1.4.0');
    expect(planned.all).toContain(`dev.runway.runtime.checksum=sha256:${'ab'.repeat(32)}`);

    await writeFile(join(ws.dir, 'payloads/demo/manifest.yaml'), 'name: demo\nversion: 1.2.3\nruntime: plain\n');
    const unbuildable = await ws.nx(args, env);
    expect(unbuildable.exitCode).toBe(1);
    expect(unbuildable.all).toContain('runtime plain has no prebuilt debian-amd64 environment for the image of demo');
  }, 300_000);

  it('refuses an invalid tag ref before touching Docker', async () => {
    const ws = await nxWorkspace(payloadFixture('demo'));
    const run = await ws.nx(['run', 'demo:publish-runenv-image'], { RUNWAY_IMAGE_REGISTRY: 'registry.invalid/acme', GITHUB_REF: 'refs/tags/v01.2.3' });
    expect(run.exitCode).not.toBe(0);
    expect(run.all).toContain('invalid git ref "refs/tags/v01.2.3": "01.2.3" has a leading zero');
  });
});

describe.runIf(docker)('publish-runenv-image against the real Docker engine and registry', () => {
  const s = docker!;

  it('a default-branch push publishes edge, nightly and sha tags sharing one digest, and the image runs', async () => {
    const ws = await nxWorkspace(payloadFixture('demo'));
    const sha = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const prefix = `${s.registry}/${unique()}`;
    const run = await ws.nx(['run', 'demo:publish-runenv-image'], { ...s.env, RUNWAY_IMAGE_REGISTRY: prefix, GITHUB_REF: 'refs/heads/main', GITHUB_SHA: sha, CI: 'true' });
    expect(run.exitCode, run.all).toBe(0);

    const registry = createRegistryClient({ host: s.registry });
    const path = `${prefix.slice(s.registry.length + 1)}/runenv-demo`;
    const tags = ['edge', `nightly-${new Date().toISOString().slice(0, 10)}`, `sha-${sha.slice(0, 7)}`];
    const digests = await Promise.all([path, `${path}-1`].flatMap((p) => tags.map((t) => registry.manifestDigest(p, t))));
    expect(new Set(digests).size).toBe(1);
    expect(digests[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await registry.listTags(path)).sort()).toEqual([...tags].sort());

    // Pull back by digest into a clean name and run it.
    const byDigest = `${prefix}/runenv-demo@${digests[0]}`;
    await execa('docker', ['rmi', '-f', ...tags.map((t) => `${prefix}/runenv-demo:${t}`), ...tags.map((t) => `${prefix}/runenv-demo-1:${t}`)], { env: s.env });
    await execa('docker', ['pull', '-q', byDigest], { env: s.env });
    const out = await execa('docker', ['run', '--rm', byDigest], { env: s.env });
    expect(out.stdout).toBe('hello from demo');
    const labels = JSON.parse((await execa('docker', ['inspect', '--format', '{{json .Config.Labels}}', byDigest], { env: s.env })).stdout);
    expect(labels).toMatchObject({ 'org.opencontainers.image.revision': sha, 'org.opencontainers.image.version': '1.2.3' });
    expect(labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('a backport tag v1.2.3 after v1.3.0 pushes 1.2.3, 1.2 and sha, but neither 1 nor latest', async () => {
    const ws = await nxWorkspace(payloadFixture('demo'));
    await ws.git(['tag', 'v1.3.0']);
    await ws.git(['tag', 'v1.2.3']);
    const sha = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const prefix = `${s.registry}/${unique()}`;
    const run = await ws.nx(['run', 'demo:publish-runenv-image'], { ...s.env, RUNWAY_IMAGE_REGISTRY: prefix, GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_SHA: sha, GITHUB_EVENT_NAME: 'push', CI: 'true' });
    expect(run.exitCode, run.all).toBe(0);
    const registry = createRegistryClient({ host: s.registry });
    const path = `${prefix.slice(s.registry.length + 1)}/runenv-demo`;
    expect((await registry.listTags(path)).sort()).toEqual(['1.2', '1.2.3', `sha-${sha.slice(0, 7)}`]);
    const digests = await Promise.all(['1.2', '1.2.3', `sha-${sha.slice(0, 7)}`].map((t) => registry.manifestDigest(path, t)));
    expect(new Set(digests).size).toBe(1);
  });

  it('a wrong registry password fails with the registry and the variable to fix, never the password', async () => {
    const ws = await nxWorkspace(payloadFixture('demo'));
    const wrong = 'not-the-password-42';
    const run = await ws.nx(['run', 'demo:publish-runenv-image'], {
      ...s.env, RUNWAY_IMAGE_REGISTRY: `${s.authRegistry}/${unique()}`, GITHUB_REF: 'refs/heads/main', CI: 'true',
      RUNWAY_IMAGE_REGISTRY_USER: s.user, RUNWAY_IMAGE_REGISTRY_PASSWORD: wrong,
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.all).toContain(`registry ${s.authRegistry} rejected the credentials of user "${s.user}"`);
    expect(run.all).toContain('RUNWAY_IMAGE_REGISTRY_PASSWORD');
    expect(run.all).not.toContain(wrong);
  });

  it('pushes to a registry with basic auth when the credentials are right', async () => {
    const ws = await nxWorkspace(payloadFixture('demo'));
    const prefix = `${s.authRegistry}/${unique()}`;
    const run = await ws.nx(['run', 'demo:publish-runenv-image', '--km'], {
      ...s.env, RUNWAY_IMAGE_REGISTRY: prefix, GITHUB_REF: 'refs/heads/main', CI: 'true',
      RUNWAY_IMAGE_REGISTRY_USER: s.user, RUNWAY_IMAGE_REGISTRY_PASSWORD: s.password,
    });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).not.toContain(s.password);
    const sha = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const registry = createRegistryClient({ host: s.authRegistry, credentials: { username: s.user, password: s.password, source: 'test' } });
    expect((await registry.listTags(`${prefix.slice(s.authRegistry.length + 1)}/runenv-demo-1`)).sort()).toEqual([sha, 'latest']);
  });

  it('a Dockerfile with a failing step fails the target with the daemon message', async () => {
    const ws = await nxWorkspace(payloadFixture('demo', { failingStep: true }));
    const prefix = `${s.registry}/${unique()}`;
    const run = await ws.nx(['run', 'demo:publish-runenv-image'], { ...s.env, RUNWAY_IMAGE_REGISTRY: prefix, GITHUB_REF: 'refs/heads/main', CI: 'true' });
    expect(run.exitCode).not.toBe(0);
    expect(run.all).toContain('building the runenv image of demo failed');
    expect(run.all).toContain('returned a non-zero code: 3');
    const registry = createRegistryClient({ host: s.registry });
    expect(await registry.listTags(`${prefix.slice(s.registry.length + 1)}/runenv-demo`)).toEqual([]);
  });
});
