import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describeMix, RUNTIME_200MB, writeRuntimeTree, type TreeMix } from '../fixtures/runtime-tree';
import { median } from '../measure';
import { result, type BenchSuite } from '../suite';

const RUNS = 3;
const MiB = 1024 * 1024;
/** The runtime whose release is measured: the size of a typical source runtime with a few vendored files. */
const RUNTIME_20MB: TreeMix = { text: 12 * MiB, binary: 5 * MiB, random: 3 * MiB };
const IDENTITY = { GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@runway.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@runway.invalid' };

/**
 * What the trust chain costs (issue 10): a release of one runtime with `RUNWAY_SIGNING_KEY` (SHA256SUMS,
 * its SSHSIG, the DSSE provenance, the signed index) against the same release without a key; and an
 * install of the 200 MB package with the key pinned (index signature, serial, expiry, provenance)
 * against the same install without a key, from the same signed registry.
 */
export const suite: BenchSuite = {
  name: 'trust',
  issue: 'issue 10 trust chain',
  describe: `Release: one runtime of ${describeMix(RUNTIME_20MB)} committed in a git workspace, \`releaseProject\` into a fresh directory registry per run (pack from the commit, unpack check, sign, stage, verify, registry entry), with and without \`RUNWAY_SIGNING_KEY\` (an Ed25519 key made by \`runway keys generate\`), alternating, ${RUNS} runs each after a warm-up. Install: the ${describeMix(RUNTIME_200MB)} released once with the key into a directory registry; \`runway runtime install\` (the CLI in a child process) into an empty folder with \`--key\` (every check) and without (the unsigned path: one notice line), alternating, ${RUNS} runs each after a warm-up. Values are medians.`,
  async run(ctx) {
    const { releaseProject, resolveReleaseTarget } = await import('@runway/release');
    const { memoryLogger } = await import('@runway/log');
    const { generateKeyFiles } = await import('@runway/signing');
    const key = join(ctx.tmpDir, 'keys', 'release');
    await mkdir(join(ctx.tmpDir, 'keys'));
    await generateKeyFiles(key);

    const workspace = async (name: string, mix: TreeMix) => {
      const ws = join(ctx.tmpDir, name);
      const dir = join(ws, 'runtimes', 'bench');
      await writeRuntimeTree(join(dir, 'files'), mix);
      await writeFile(join(dir, 'manifest.yaml'), 'name: bench\nversion: 1.0.0\ndescription: benchmark runtime\nplatforms: [ubuntu-amd64]\n');
      await writeFile(join(dir, 'setup.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      await writeFile(join(dir, 'setup-ubuntu-amd64.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      await writeFile(join(ws, '.gitignore'), 'dist\n');
      const env = { ...process.env, ...IDENTITY };
      await execa('git', ['init', '-q', '-b', 'main'], { cwd: ws, env });
      await execa('git', ['add', '-A'], { cwd: ws, env });
      await execa('git', ['commit', '-qm', 'bench runtime'], { cwd: ws, env });
      return ws;
    };
    const release = async (ws: string, registryDir: string, signed: boolean) => {
      await rm(registryDir, { recursive: true, force: true });
      const env = { RUNWAY_REGISTRY_DIR: registryDir, ...(signed ? { RUNWAY_SIGNING_KEY: key } : {}) };
      const start = process.hrtime.bigint();
      const outcome = await releaseProject({
        workspaceRoot: ws, projectRoot: 'runtimes/bench', target: resolveReleaseTarget(env, ws), dryRun: false, env, logger: memoryLogger(), renderer: 'silent',
      });
      if (outcome.status !== 'released') throw new Error(`bench@1.0.0: ${outcome.status}, expected released`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    /** Runs `a` and `b` in turn (load falls on both alike) after one warm-up each; medians. */
    const alternate = async (a: () => Promise<number>, b: () => Promise<number>) => {
      await a();
      await b();
      const as: number[] = [];
      const bs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        as.push(await a());
        bs.push(await b());
      }
      return { a: median(as), b: median(bs) };
    };

    ctx.log('release of one runtime, signed and unsigned');
    const small = await workspace('release', RUNTIME_20MB);
    const releases = await alternate(
      () => release(small, join(ctx.tmpDir, 'registry-signed'), true),
      () => release(small, join(ctx.tmpDir, 'registry-unsigned'), false),
    );
    await rm(small, { recursive: true, force: true });

    ctx.log('the 200 MB package, released once with the key');
    const large = await workspace('install', RUNTIME_200MB);
    const registry = join(ctx.tmpDir, 'registry-200');
    await release(large, registry, true);
    await rm(large, { recursive: true, force: true });
    const home = join(ctx.tmpDir, 'home');
    const install = async (pinned: boolean) => {
      const into = join(ctx.tmpDir, 'installed');
      await rm(into, { recursive: true, force: true });
      const args = ['runtime', 'install', 'bench@1.0.0', '--registry', registry, '--dir', into, '--platform', 'ubuntu-amd64', ...(pinned ? ['--key', `${key}.pub`] : [])];
      const start = process.hrtime.bigint();
      const run = await execa(process.execPath, [join(ctx.repoRoot, 'packages/cli/bin/runway.js'), ...args], {
        cwd: ctx.tmpDir, env: { ...process.env, HOME: home, RUNWAY_STATE_DIR: join(home, 'state'), RUNWAY_CACHE_DIR: join(home, 'cache') }, reject: false,
      });
      if (run.exitCode !== 0) throw new Error(`runway ${args.join(' ')} exited ${run.exitCode}:\n${run.stderr}`);
      if (pinned !== run.stdout.includes('verified')) throw new Error(`install ${pinned ? 'with' : 'without'} --key printed: ${run.stdout}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    ctx.log('install, verified and unverified');
    const installs = await alternate(() => install(true), () => install(false));

    return [
      result({ metric: 'release of one runtime (20 MB): signed vs unsigned', value: releases.a, baseline: releases.b, unit: 'ms', target: 'ratio ≤ 1.05' }, (_, ratio) => ratio <= 1.05),
      result({ metric: 'install of the 200 MB package: key pinned (all checks) vs no key', value: installs.a, baseline: installs.b, unit: 'ms', target: 'ratio ≤ 1.05' }, (_, ratio) => ratio <= 1.05),
    ];
  },
};
