import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa, type Options } from 'execa';
import { testdir, writeFixtures, type FixtureFile } from './testdir';

/** The Runway repository this test runs from: its node_modules provide nx and the plugin. */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** The outcome of a command run in a test workspace, as plain strings. */
export interface RunResult { exitCode: number; stdout: string; stderr: string; /** stdout and stderr interleaved */ all: string }

export interface NxWorkspace {
  dir: string;
  /** Environment for processes in this workspace: own Nx cache, no daemon, no CI colours. */
  env: NodeJS.ProcessEnv;
  /** Runs `nx <args>` in the workspace; never throws, inspect `exitCode`. */
  nx(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** Runs `git <args>` in the workspace and throws on failure. */
  git(args: string[]): Promise<RunResult>;
  /** Runs the `runway` CLI in the workspace; never throws. */
  runway(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<RunResult>;
}

const TASK_COMMANDS = new Set(['run', 'run-many', 'affected']);

export interface NxWorkspaceOptions {
  /** Commit the fixture files as the first commit on `main` (default true). */
  commit?: boolean;
}

/**
 * A throwaway git repository that is a real Nx workspace using this repo's Runway plugin (through
 * a node_modules symlink), with its own Nx cache and workspace data so runs never share state.
 */
export async function nxWorkspace(files: Record<string, FixtureFile>, options: NxWorkspaceOptions = {}): Promise<NxWorkspace> {
  const dir = await testdir();
  await cp(join(REPO_ROOT, 'nx.json'), join(dir, 'nx.json'));
  await cp(join(REPO_ROOT, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'test-workspace', private: true }, null, 2)}\n`);
  await writeFile(join(dir, '.gitignore'), 'node_modules\ndist\n.nx\n');
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await mkdir(join(dir, 'runtimes'), { recursive: true });
  await writeFixtures(dir, files);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_CACHE_DIRECTORY: join(dir, '.nx', 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(dir, '.nx', 'workspace-data'),
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: undefined,
    FORCE_COLOR: '0',
    // swc-node reads the nearest tsconfig.json; the workspace has none, the repo's is right.
    SWC_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'),
    GIT_AUTHOR_NAME: 'Runway Test', GIT_AUTHOR_EMAIL: 'test@runway.invalid',
    GIT_COMMITTER_NAME: 'Runway Test', GIT_COMMITTER_EMAIL: 'test@runway.invalid',
  };
  const run = async (file: string, args: string[], options: Options): Promise<RunResult> => {
    const r = await execa(file, args, { cwd: dir, all: true, ...options });
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), all: String(r.all ?? '') };
  };
  const git = (args: string[]) => run('git', args, { env });
  await git(['init', '-q', '-b', 'main']);
  if (options.commit !== false) {
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', 'initial']);
  }
  const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);
  return {
    dir, env, git,
    // Only task-running commands accept --outputStyle; `nx g` and `nx show` reject it.
    nx: (args, extraEnv = {}) => run(bin('nx'), TASK_COMMANDS.has(args[0]) ? [...args, '--outputStyle=static'] : args, { env: { ...env, ...extraEnv }, reject: false }),
    runway: (args, extraEnv = {}) => run(bin('runway'), args, { env: { ...env, ...extraEnv }, reject: false }),
  };
}
