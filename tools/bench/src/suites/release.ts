import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { measure } from '../measure';
import { result, type BenchSuite } from '../suite';

const RUNTIMES = 200;
const RUNS = 2;
/** The runtime the affected measurement changes (one commit per run). */
const CHANGED = 'rt-007';

/**
 * Releasing into the directory target from a 200-runtime workspace through real nx: the one
 * runtime a commit changed (`nx affected`) against a bulk release of all 200, and a bulk re-run
 * where everything is already released (the common CI case), with where that re-run's time goes.
 */
export const suite: BenchSuite = {
  name: 'release',
  issue: 'SPEC §5–6 release, bulk release',
  describe: `Input: a git workspace of ${RUNTIMES} small runtimes (manifest, setup.sh, one setup-<platform>.sh; ~300-byte tarballs), daemon off, directory target (dist/registry), CI=true. Each row is the median of ${RUNS} runs after a warm-up. Bulk: \`nx run-many -t release\` with dist/registry removed first. Affected: bump ${CHANGED}'s version and setup.sh, commit, \`nx affected -t release --base=HEAD~1\`. Cached re-run: \`nx run-many -t release\` when all ${RUNTIMES} are released (registry.json checked byte-identical). Where the re-run's time goes: \`nx show projects\` (Nx start-up and graph for ${RUNTIMES} projects, no task) and the same ${RUNTIMES} already-released checks in one process, one at a time (\`releaseProject\`, no Nx; the batch executor runs 4 at a time, so this is an upper bound). Before the batch executor each release task was its own Nx process: a bulk release of 200 took 206 s and the cached re-run 269 s on this machine (measured by hand, not by this suite). Before the directory registry was parsed once per file version and built assets were hashed from memory, this suite measured the cached re-run at 5879 ms and the in-process checks at 6778 ms (commit 724901f).`,
  async run(ctx) {
    const ws = join(ctx.tmpDir, 'workspace');
    await writeWorkspace(ctx.repoRoot, ws);
    const env = nxEnv(ctx.repoRoot, ws);
    const nx = (args: string[]) => execa(join(ctx.repoRoot, 'node_modules/.bin/nx'), [...args, '--outputStyle=static'], { cwd: ws, env, all: true });
    const registryPath = join(ws, 'dist', 'registry', 'registry.json');
    const timed = async (fn: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      await fn();
      return { ms: Number(process.hrtime.bigint() - start) / 1e6 };
    };

    ctx.log(`bulk release of ${RUNTIMES} runtimes`);
    const bulk = await measure(async () => {
      await rm(join(ws, 'dist'), { recursive: true, force: true });
      const stats = await timed(() => nx(['run-many', '-t', 'release']));
      const released = Object.keys(JSON.parse(await readFile(registryPath, 'utf8')).runtimes).length;
      if (released !== RUNTIMES) throw new Error(`bulk release listed ${released} runtimes, expected ${RUNTIMES}`);
      return stats;
    }, RUNS);

    ctx.log('cached bulk re-run');
    const before = await readFile(registryPath);
    const rerun = await measure(() => timed(() => nx(['run-many', '-t', 'release'])), RUNS);
    if (!before.equals(await readFile(registryPath))) throw new Error('the cached re-run changed registry.json');

    ctx.log('where the re-run time goes');
    const startup = await measure(() => timed(() => execa(join(ctx.repoRoot, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: ws, env })), RUNS);
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

    ctx.log(`affected release of ${CHANGED}`);
    let bump = 0;
    const affected = await measure(async () => {
      bump++;
      await writeFiles(ws, runtimeFiles(CHANGED, `1.0.${bump}`));
      await execa('git', ['commit', '-qam', `bump ${CHANGED}`], { cwd: ws, env });
      return timed(async () => {
        const { all } = await nx(['affected', '-t', 'release', '--base=HEAD~1']);
        if (!all.includes(`${CHANGED}@1.0.${bump}: released`)) throw new Error(`affected run did not release ${CHANGED}@1.0.${bump}:\n${all}`);
      });
    }, RUNS);

    return [
      result({ metric: `affected release (1 of ${RUNTIMES}) vs bulk release of ${RUNTIMES}`, value: affected.medianMs, baseline: bulk.medianMs, unit: 'ms', target: 'ratio ≤ 0.02 (≥ 50× faster)' }, (_, ratio) => ratio <= 0.02),
      result({ metric: `cached bulk re-run, ${RUNTIMES} already released (vs first bulk)`, value: rerun.medianMs, baseline: bulk.medianMs, unit: 'ms', target: '< 5000 ms' }, (value) => value < 5000),
      result({ metric: `re-run share: Nx start-up (nx show projects, ${RUNTIMES} projects)`, value: startup.medianMs, baseline: rerun.medianMs, unit: 'ms', target: 'info' }, () => true),
      result({ metric: `re-run share: ${RUNTIMES} already-released checks in one process`, value: inProcess.medianMs, baseline: rerun.medianMs, unit: 'ms', target: 'info' }, () => true),
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

/** A committed Runway workspace with `RUNTIMES` runtimes, using the repo's nx.json and node_modules. */
async function writeWorkspace(repoRoot: string, dir: string): Promise<void> {
  const files: Files = {
    'nx.json': await readFile(join(repoRoot, 'nx.json')),
    // Nx only transpiles a TypeScript local plugin when the workspace has a tsconfig.base.json.
    'tsconfig.base.json': await readFile(join(repoRoot, 'tsconfig.base.json')),
    'package.json': '{ "name": "bench-workspace", "private": true }\n',
    '.gitignore': 'node_modules\ndist\n.nx\n',
  };
  for (let i = 0; i < RUNTIMES; i++) Object.assign(files, runtimeFiles(runtimeName(i), '1.0.0'));
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
