import { readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { createNodes } from '@runway/nx-plugin';
import { measure, median } from '../measure';
import { result, type BenchSuite } from '../suite';

const RUNTIMES = 500;
const RUNS = 5;
const NX_RUNS = 7;

/**
 * Project inference at scale: the plugin's createNodes over 500 manifests in-process, and the
 * whole `nx show projects` command on a 500-runtime workspace against the same workspace with none.
 */
export const suite: BenchSuite = {
  name: 'inference',
  issue: 'SPEC §1 projects and targets',
  describe: `Input: a workspace of ${RUNTIMES} runtimes (manifest.yaml with 4 platforms, every 10th \`extends\` the one before, setup scripts) and an otherwise identical workspace with no runtimes. createNodes: median of ${RUNS} in-process calls after a warm-up; baseline: reading the same ${RUNTIMES} manifests with readFileSync (the floor). nx: \`nx show projects\`, daemon off, one warm-up each (fills the workspace data cache), then ${NX_RUNS} rounds alternating the two workspaces so machine load falls on both alike; medians.`,
  async run(ctx) {
    const full = join(ctx.tmpDir, 'with-runtimes');
    const empty = join(ctx.tmpDir, 'no-runtimes');
    await writeWorkspace(ctx.repoRoot, full, RUNTIMES);
    await writeWorkspace(ctx.repoRoot, empty, 0);
    const manifests = Array.from({ length: RUNTIMES }, (_, i) => `runtimes/${runtimeName(i)}/manifest.yaml`);

    ctx.log(`createNodes on ${RUNTIMES} manifests`);
    const [, infer] = createNodes;
    const context = { workspaceRoot: full, nxJsonConfiguration: {}, configFiles: manifests };
    const inferred = await measure(async () => {
      const nodes = await infer(manifests, { distDir: 'dist' }, context);
      if (nodes.length !== RUNTIMES) throw new Error(`createNodes returned ${nodes.length} results for ${RUNTIMES} manifests`);
    }, RUNS);
    const readOnly = await measure(async () => {
      for (const p of manifests) readFileSync(join(full, p), 'utf8');
    }, RUNS);

    ctx.log('nx show projects, with and without runtimes');
    const showProjects = async (dir: string, expected: number) => {
      const { stdout } = await execa(join(ctx.repoRoot, 'node_modules/.bin/nx'), ['show', 'projects', '--json'], { cwd: dir, env: nxEnv(ctx.repoRoot, dir) });
      const count = (JSON.parse(stdout) as string[]).length;
      if (count !== expected) throw new Error(`nx show projects listed ${count} projects in ${dir}, expected ${expected}`);
    };
    await showProjects(full, RUNTIMES);
    await showProjects(empty, 0);
    const timesWith: number[] = [];
    const timesWithout: number[] = [];
    const timed = async (run: () => Promise<void>) => {
      const start = process.hrtime.bigint();
      await run();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let round = 0; round < NX_RUNS; round++) {
      timesWith.push(await timed(() => showProjects(full, RUNTIMES)));
      timesWithout.push(await timed(() => showProjects(empty, 0)));
    }
    const withRuntimes = { medianMs: median(timesWith) };
    const without = { medianMs: median(timesWithout) };

    return [
      result({ metric: `createNodes, ${RUNTIMES} runtimes`, value: inferred.medianMs, baseline: readOnly.medianMs, unit: 'ms', target: '< 100 ms' }, (v) => v < 100),
      result({ metric: `nx show projects, ${RUNTIMES} runtimes vs none`, value: withRuntimes.medianMs, baseline: without.medianMs, unit: 'ms', target: 'ratio ≤ 1.3' }, (_, r) => r <= 1.3),
    ];
  },
};

/** A minimal Runway workspace: the repo's nx.json, tsconfig.base.json and node_modules, and `count` runtimes. */
async function writeWorkspace(repoRoot: string, dir: string, count: number): Promise<void> {
  await mkdir(join(dir, 'runtimes'), { recursive: true });
  await copyFile(join(repoRoot, 'nx.json'), join(dir, 'nx.json'));
  // Nx only transpiles a TypeScript local plugin when the workspace has a tsconfig.base.json.
  await copyFile(join(repoRoot, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  await writeFile(join(dir, 'package.json'), '{ "name": "bench-workspace", "private": true }\n');
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (let i = 0; i < count; i++) {
    const name = runtimeName(i);
    const root = join(dir, 'runtimes', name);
    await mkdir(root);
    const ext = i % 10 === 9 ? `extends: ${runtimeName(i - 1)}\n` : '';
    await writeFile(join(root, 'manifest.yaml'), `name: ${name}\nversion: 1.${i}.0\ndescription: synthetic runtime ${i}\nplatforms: [ubuntu-amd64, ubuntu-arm64, debian-amd64, debian-arm64]\npackages: [pkg-a==1.0.0, pkg-b==2.0.0]\n${ext}`);
    await writeFile(join(root, 'setup.sh'), '#!/bin/sh\n', { mode: 0o755 });
  }
  await execa('git', ['init', '-q'], { cwd: dir });
}

function runtimeName(i: number): string {
  return `runtime-${String(i).padStart(3, '0')}`;
}

function nxEnv(repoRoot: string, dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0',
    NX_CACHE_DIRECTORY: join(dir, '.nx', 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(dir, '.nx', 'workspace-data'),
    SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.json'),
  };
}
