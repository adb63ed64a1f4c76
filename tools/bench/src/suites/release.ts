import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { measure } from '../measure';
import { result, type BenchSuite } from '../suite';

const RUNTIMES = 200;
/** The workspace of the affected-vs-start-up row and of the marginal-cost rows. */
const LARGE = 500;
/** The smaller bulk release the marginal cost is measured against (the first `SMALL` of `LARGE`). */
const SMALL = 100;
const RUNS = 2;
/** The runtime the affected measurement changes (one commit per run). */
const CHANGED = 'rt-007';

/**
 * Releasing into the directory target through real nx: a bulk re-run where everything is already
 * released (the common CI case) and where its time goes; the overhead of an affected release of
 * one runtime over Nx's own start-up on a 500-runtime workspace; and the marginal cost of one more
 * runtime in a bulk release.
 */
export const suite: BenchSuite = {
  name: 'release',
  issue: 'SPEC §5–6 release, bulk release; issue 8 (affected overhead, bulk marginal cost)',
  describe: `Input: git workspaces of ${RUNTIMES} and ${LARGE} small runtimes (manifest, setup.sh, one setup-<platform>.sh; ~300-byte tarballs), daemon off, directory target (dist/registry), CI=true, no git remote. Each row is the median of ${RUNS} runs after a warm-up. Every release packs its runtime from the commit, unpacks it with the client's extractor, tags the commit, stages and renames the release folder, verifies the published file and adds the entry. Cached re-run: \`nx run-many -t release\` when all ${RUNTIMES} are released (registry.json checked byte-identical). Where the re-run's time goes: \`nx show projects\` (Nx start-up and graph for ${RUNTIMES} projects, no task) and the same ${RUNTIMES} already-released checks in one process, one at a time (\`releaseProject\`, no Nx; the batch executor runs 4 at a time, so this is an upper bound). Affected overhead (${LARGE} runtimes): bump ${CHANGED}'s version and setup.sh, commit, \`nx affected -t release --base=HEAD~1\`, against \`nx show projects\` on the same workspace (Nx start-up and graph, no task); the row's value is the difference. Marginal cost: a bulk release (\`nx run-many -t release\`, dist/registry and release tags removed first) of all ${LARGE} runtimes and of the first ${SMALL} (\`-p 'rt-0*'\`), (T${LARGE} − T${SMALL}) / ${LARGE - SMALL}. Before the batch executor each release task was its own Nx process: a bulk release of 200 took 206 s and the cached re-run 269 s on this machine (measured by hand, not by this suite).`,
  async run(ctx) {
    const nxIn = (ws: string) => {
      const env = nxEnv(ctx.repoRoot, ws);
      return (args: string[]) => execa(join(ctx.repoRoot, 'node_modules/.bin/nx'), [...args, '--outputStyle=static'], { cwd: ws, env, all: true });
    };
    const showProjects = (ws: string) => execa(join(ctx.repoRoot, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: ws, env: nxEnv(ctx.repoRoot, ws) });
    const timed = async (fn: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      await fn();
      return { ms: Number(process.hrtime.bigint() - start) / 1e6 };
    };

    // --- 200 runtimes: the cached re-run and where its time goes.
    const ws = join(ctx.tmpDir, 'workspace');
    await writeWorkspace(ctx.repoRoot, ws, RUNTIMES);
    const nx = nxIn(ws);
    const registryPath = join(ws, 'dist', 'registry', 'registry.json');
    ctx.log(`bulk release of ${RUNTIMES} runtimes (once, to fill the registry)`);
    await nx(['run-many', '-t', 'release']);
    const released = Object.keys(JSON.parse(await readFile(registryPath, 'utf8')).runtimes).length;
    if (released !== RUNTIMES) throw new Error(`bulk release listed ${released} runtimes, expected ${RUNTIMES}`);

    ctx.log('cached bulk re-run');
    const before = await readFile(registryPath);
    const rerun = await measure(() => timed(() => nx(['run-many', '-t', 'release'])), RUNS);
    if (!before.equals(await readFile(registryPath))) throw new Error('the cached re-run changed registry.json');

    ctx.log('where the re-run time goes');
    const startup = await measure(() => timed(() => showProjects(ws)), RUNS);
    const { releaseProject, resolveReleaseTarget } = await import('@runway/release');
    const { memoryLogger } = await import('@runway/log');
    const inProcess = await measure(async () => {
      for (let i = 0; i < RUNTIMES; i++) {
        const outcome = await releaseProject({
          workspaceRoot: ws, projectRoot: `runtimes/${runtimeName(i)}`, target: resolveReleaseTarget({}, ws),
          dryRun: false, env: {}, logger: memoryLogger(), renderer: 'silent',
        });
        if (outcome.status !== 'already-released') throw new Error(`${outcome.tag}: ${outcome.status}, expected already-released`);
      }
    }, RUNS);
    await rm(ws, { recursive: true, force: true });

    // --- 500 runtimes: the marginal cost of a bulk release, and the affected overhead.
    const large = join(ctx.tmpDir, 'large');
    await writeWorkspace(ctx.repoRoot, large, LARGE);
    const nxLarge = nxIn(large);
    const env = nxEnv(ctx.repoRoot, large);
    const bulk = async (projects?: string) => {
      await rm(join(large, 'dist'), { recursive: true, force: true });
      // Release tags are part of what a fresh release makes: start from none.
      const tags = (await execa('git', ['for-each-ref', '--format=delete %(refname)', 'refs/tags/'], { cwd: large, env })).stdout;
      if (tags) await execa('git', ['update-ref', '--stdin'], { cwd: large, env, input: `${tags}\n` });
      const stats = await timed(() => nxLarge(['run-many', '-t', 'release', ...(projects ? ['-p', projects] : [])]));
      const count = Object.keys(JSON.parse(await readFile(join(large, 'dist', 'registry', 'registry.json'), 'utf8')).runtimes).length;
      const expected = projects ? SMALL : LARGE;
      if (count !== expected) throw new Error(`bulk release listed ${count} runtimes, expected ${expected}`);
      return stats;
    };
    ctx.log(`bulk release of ${SMALL} of ${LARGE} runtimes`);
    const small = await measure(() => bulk('rt-0*'), RUNS);
    ctx.log(`bulk release of all ${LARGE} runtimes`);
    const all = await measure(() => bulk(), RUNS);
    const marginal = (all.medianMs - small.medianMs) / (LARGE - SMALL);

    ctx.log(`Nx start-up on ${LARGE} runtimes`);
    const largeStartup = await measure(() => timed(() => showProjects(large)), RUNS);
    ctx.log(`affected release of ${CHANGED} in ${LARGE}`);
    let bump = 0;
    const affected = await measure(async () => {
      bump++;
      await writeFiles(large, runtimeFiles(CHANGED, `1.0.${bump}`));
      await execa('git', ['commit', '-qam', `bump ${CHANGED}`], { cwd: large, env });
      return timed(async () => {
        const { all: out } = await nxLarge(['affected', '-t', 'release', '--base=HEAD~1']);
        if (!out.includes(`${CHANGED}@1.0.${bump}: released`)) throw new Error(`affected run did not release ${CHANGED}@1.0.${bump}:\n${out}`);
      });
    }, RUNS);

    return [
      result({ metric: `affected release (1 of ${LARGE}): overhead over Nx start-up (nx show projects)`, value: affected.medianMs - largeStartup.medianMs, baseline: largeStartup.medianMs, unit: 'ms', target: '≤ 1000 ms' }, (value) => value <= 1000),
      result({ metric: `bulk release: marginal cost per runtime ((T${LARGE} − T${SMALL}) / ${LARGE - SMALL})`, value: marginal, baseline: all.medianMs / LARGE, unit: 'ms', target: '≤ 25 ms' }, (value) => value <= 25),
      result({ metric: `cached bulk re-run, ${RUNTIMES} already released (vs Nx start-up)`, value: rerun.medianMs, baseline: startup.medianMs, unit: 'ms', target: '< 5000 ms' }, (value) => value < 5000),
      result({ metric: `re-run share: Nx start-up (nx show projects, ${RUNTIMES} projects)`, value: startup.medianMs, baseline: rerun.medianMs, unit: 'ms', target: 'info' }, () => true),
      result({ metric: `re-run share: ${RUNTIMES} already-released checks in one process`, value: inProcess.medianMs, baseline: rerun.medianMs, unit: 'ms', target: 'info' }, () => true),
      result({ metric: `bulk release of ${LARGE} (T${LARGE}) vs of ${SMALL} (T${SMALL})`, value: all.medianMs, baseline: small.medianMs, unit: 'ms', target: 'info' }, () => true),
    ];
  },
};

/** Relative path → content, with a mode for executables. */
type Files = Record<string, string | Buffer | { content: string; mode: number }>;

async function writeFiles(dir: string, files: Files): Promise<void> {
  for (const [path, file] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    if (typeof file === 'object' && 'mode' in file) await writeFile(join(dir, path), file.content, { mode: file.mode });
    else await writeFile(join(dir, path), file);
  }
}

function runtimeName(i: number): string {
  return `rt-${String(i).padStart(3, '0')}`;
}

function runtimeFiles(name: string, version: string): Files {
  return {
    [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: synthetic runtime ${name}\nplatforms: [ubuntu-amd64]\n`,
    [`runtimes/${name}/setup.sh`]: { content: `#!/bin/sh\necho ${name} ${version}\n`, mode: 0o755 },
    [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  };
}

/** A committed Runway workspace with `count` runtimes, using the repo's nx.json and node_modules. */
async function writeWorkspace(repoRoot: string, dir: string, count: number): Promise<void> {
  const files: Files = {
    'nx.json': await readFile(join(repoRoot, 'nx.json')),
    // Nx only transpiles a TypeScript local plugin when the workspace has a tsconfig.base.json.
    'tsconfig.base.json': await readFile(join(repoRoot, 'tsconfig.base.json')),
    'package.json': '{ "name": "bench-workspace", "private": true }\n',
    '.gitignore': 'node_modules\ndist\n.nx\n',
  };
  for (let i = 0; i < count; i++) Object.assign(files, runtimeFiles(runtimeName(i), '1.0.0'));
  await writeFiles(dir, files);
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const env = nxEnv(repoRoot, dir);
  await execa('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  await execa('git', ['add', '-A'], { cwd: dir, env });
  await execa('git', ['commit', '-qm', 'runtimes'], { cwd: dir, env });
}

function nxEnv(repoRoot: string, dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', CI: 'true',
    NX_CACHE_DIRECTORY: join(dir, '.nx', 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(dir, '.nx', 'workspace-data'),
    SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.json'),
    // The directory target: no GitHub settings, no triggering ref.
    GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: undefined, GITHUB_API_URL: undefined, GITHUB_REF: undefined,
    RUNWAY_REGISTRY_DIR: undefined, RUNWAY_BASE_URL: undefined,
    GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@runway.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@runway.invalid',
  };
}
