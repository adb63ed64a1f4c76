import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { dockerfileWithLabels } from '@runway/publisher-docker';
import { measure, median, type Measurement } from '../measure';
import { result, type BenchSuite, type BenchContext } from '../suite';

const RUNS = 5;
const PAYLOADS = ['alpha', 'beta', 'gamma'];

/**
 * Runenv image publishing against the real engine and registry of tools/ci/docker-services.sh.
 * 1. Overhead of the publish-runenv-image executor (called in process with an Nx context:
 *    git, plan, listr2, build, push of 3 tags, digest check) over `docker build` + `docker push`
 *    of the same Dockerfile and tags, and over the same CLI commands given the executor's
 *    labelled Dockerfile (which isolates the cost of the label step). Each run adds a fresh
 *    random file so every build and upload makes a new layer instead of hitting the cache.
 * 2. `nx affected` after changing one payload versus `nx run-many` over all three.
 */
export const suite: BenchSuite = {
  name: 'docker',
  issue: 'SPEC §7 runenv images',
  describe: `Three payloads (busybox base, 3 small files + 64 KiB of fresh random data per run) in a throwaway Nx workspace; registry ${'`'}RUNWAY_TEST_REGISTRY${'`'}; main-branch push (edge, nightly, sha tags). Overhead: median of ${RUNS} rounds after one warm-up round; each round runs the executor, \`docker build\` + 3 × \`docker push\` of the payload's Dockerfile, and the same CLI commands with the executor's labelled Dockerfile (\`-f\`), in turn. Both sides use the classic builder (the daemon's default here; the CLI has no buildx). The executor labels the image (OCI labels, one LABEL line = one container step on the classic builder), the plain baseline does not: the second row compares like with like. Affected vs all: one warm-up and one measured \`nx\` run each. Skipped when no daemon is configured.`,
  async run(ctx) {
    const registryHost = process.env.RUNWAY_TEST_REGISTRY;
    if (!process.env.DOCKER_HOST || !registryHost) {
      ctx.log('SKIPPED: DOCKER_HOST / RUNWAY_TEST_REGISTRY not set; start the daemon with tools/ci/docker-services.sh');
      return [];
    }
    const ws = await workspace(ctx);
    const prefix = `${registryHost}/bench${randomBytes(3).toString('hex')}`;
    const sha = (await ws.git(['rev-parse', 'HEAD'])).stdout;
    const tags = ['edge', `nightly-${new Date().toISOString().slice(0, 10)}`, `sha-${sha.slice(0, 7)}`];

    // 1. executor vs docker build + docker push, same Dockerfile, context and tags
    const { default: executor } = await import('@runway/nx-plugin/src/executors/publish-runenv-image/executor');
    const context = {
      root: ws.dir, projectName: 'alpha', cwd: ws.dir, isVerbose: false,
      projectsConfigurations: { version: 2, projects: { alpha: { root: 'payloads/alpha' } } },
    } as unknown as Parameters<typeof executor>[1];
    const dockerEnv = { ...process.env, DOCKER_BUILDKIT: '0' };
    const cliPublish = async (repo: string, dockerfile: string[]) => {
      await execa('docker', ['build', '-q', ...dockerfile, ...tags.flatMap((t) => ['-t', `${repo}:${t}`]), join(ws.dir, 'payloads/alpha')], { env: dockerEnv });
      for (const t of tags) await execa('docker', ['push', '-q', `${repo}:${t}`], { env: dockerEnv });
    };
    // The Dockerfile the executor actually builds (the payload's plus its one LABEL line, labels
    // read back from its image), outside the context like any `docker build -f`: it splits the
    // overhead into the label step and everything else.
    const labelledDockerfile = join(ctx.tmpDir, 'Dockerfile.labelled');
    const saved = { ...process.env };
    Object.assign(process.env, { GITHUB_REF: 'refs/heads/main', GITHUB_SHA: sha, CI: 'true', RUNWAY_IMAGE_REGISTRY: `${prefix}-exec` });
    const quiet = silenceStdout();
    let times: Record<'executor' | 'plain' | 'labelled', Measurement>;
    try {
      times = await alternate({
        executor: async () => {
          await freshData(ws.dir, 'alpha');
          const { success } = await executor({}, context);
          if (!success) throw new Error('executor failed');
          if (!existsSync(labelledDockerfile)) {
            const labels = JSON.parse((await execa('docker', ['inspect', '--format', '{{json .Config.Labels}}', `${prefix}-exec/runenv-alpha:edge`], { env: dockerEnv })).stdout) as Record<string, string>;
            await writeFile(labelledDockerfile, dockerfileWithLabels(await readFile(join(ws.dir, 'payloads/alpha/Dockerfile'), 'utf8'), labels));
          }
        },
        plain: async () => {
          await freshData(ws.dir, 'alpha');
          await cliPublish(`${prefix}-plain/runenv-alpha`, []);
        },
        labelled: async () => {
          await freshData(ws.dir, 'alpha');
          await cliPublish(`${prefix}-labelled/runenv-alpha`, ['-f', labelledDockerfile]);
        },
      }, RUNS);
    } finally {
      quiet.restore();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    const samples = (m: Measurement) => m.samplesMs.map(Math.round).join('/');
    ctx.log(`executor ${samples(times.executor)} ms, docker CLI ${samples(times.plain)} ms, docker CLI with the LABEL line ${samples(times.labelled)} ms`);

    // 2. affected (one payload changed) vs all payloads
    // Start phase 2 from a clean tree: the runs above rewrote alpha's data.
    await ws.git(['add', '-A']);
    await ws.git(['commit', '-q', '-m', 'after executor runs']);
    const nxEnv = { GITHUB_REF: 'refs/heads/main', CI: 'true', RUNWAY_IMAGE_REGISTRY: `${prefix}-nx` };
    const all = await measure(async () => {
      await ws.nx(['run-many', '-t', 'publish-runenv-image', '--skipNxCache'], nxEnv);
    }, 1);
    await freshData(ws.dir, 'beta');
    await ws.git(['add', '-A']);
    await ws.git(['commit', '-q', '-m', 'change beta']);
    const affected = await measure(async () => {
      const run = await ws.nx(['affected', '-t', 'publish-runenv-image', '--base=HEAD~1', '--head=HEAD', '--skipNxCache'], nxEnv);
      if (!run.stdout.includes('nx run beta:publish-runenv-image') || run.stdout.includes('nx run alpha:publish-runenv-image')) {
        throw new Error(`nx affected did not publish exactly beta:\n${run.stdout}`);
      }
    }, 1);

    const overheadMs = times.executor.medianMs - times.plain.medianMs;
    return [
      result({ metric: 'executor publish (build + 3 tags + digest check) vs docker build + push', value: times.executor.medianMs, baseline: times.plain.medianMs, unit: 'ms', target: 'overhead < 10 % or < 1 s' },
        (_v, ratio) => ratio < 1.1 || overheadMs < 1000),
      result({ metric: 'same, baseline given the executor\'s LABEL line', value: times.executor.medianMs, baseline: times.labelled.medianMs, unit: 'ms', target: 'overhead < 10 %' },
        (_v, ratio) => ratio < 1.1),
      result({ metric: 'nx affected (1 of 3 payloads) vs run-many (3)', value: affected.medianMs, baseline: all.medianMs, unit: 'ms', target: 'ratio ≤ 0.6' },
        (_v, ratio) => ratio <= 0.6),
    ];
  },
};

/**
 * Measures several variants round-robin (one warm-up round, then `runs` rounds), so load from
 * other work on the machine falls on all of them alike instead of on whichever ran last.
 */
async function alternate<K extends string>(variants: Record<K, () => Promise<void>>, runs: number): Promise<Record<K, Measurement>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= runs; round++) {
    for (const name of names) {
      const start = process.hrtime.bigint();
      await variants[name]();
      if (round > 0) samples[name].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { medianMs: median(samples[n]), samplesMs: samples[n] }])) as Record<K, Measurement>;
}

/** A git repository that is an Nx workspace with three payloads, using this repo's plugin. */
async function workspace(ctx: BenchContext) {
  const dir = join(ctx.tmpDir, 'ws');
  await mkdir(dir, { recursive: true });
  await cp(join(ctx.repoRoot, 'nx.json'), join(dir, 'nx.json'));
  await cp(join(ctx.repoRoot, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  await writeFile(join(dir, 'package.json'), '{ "name": "bench-ws", "private": true }\n');
  await writeFile(join(dir, '.gitignore'), 'node_modules\n.nx\n');
  await symlink(join(ctx.repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const name of PAYLOADS) {
    const root = join(dir, 'payloads', name);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'manifest.yaml'), `name: ${name}\nversion: 1.0.0\ndescription: bench payload\n`);
    await writeFile(join(root, 'Dockerfile'), `FROM ${process.env.RUNWAY_TEST_BASE_IMAGE ?? 'runway-base:busybox'}\nCOPY . /opt/payload/\nCMD ["ls", "/opt/payload"]\n`);
    await freshData(dir, name);
  }
  const env = {
    ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0',
    NX_CACHE_DIRECTORY: join(dir, '.nx', 'cache'), NX_WORKSPACE_DATA_DIRECTORY: join(dir, '.nx', 'workspace-data'),
    SWC_NODE_PROJECT: join(ctx.repoRoot, 'tsconfig.json'),
    GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@runway.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@runway.invalid',
  };
  const git = (args: string[]) => execa('git', args, { cwd: dir, env });
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'bench payloads']);
  const nx = (args: string[], extra: NodeJS.ProcessEnv) =>
    execa(join(ctx.repoRoot, 'node_modules', '.bin', 'nx'), [...args, '--outputStyle=static'], { cwd: dir, env: { ...env, ...extra } });
  return { dir, git, nx };
}

/** New random content, so each build makes a new layer and each push uploads it. */
function freshData(dir: string, name: string): Promise<void> {
  return writeFile(join(dir, 'payloads', name, 'data.bin'), randomBytes(64 * 1024));
}

/** The executor reports through stdout (listr2, logger); keep it out of the bench output. */
function silenceStdout() {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  return { restore: () => { process.stdout.write = write; } };
}
