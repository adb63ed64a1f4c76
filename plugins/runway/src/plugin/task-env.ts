import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PreTasksExecution } from '@nx/devkit';
import { builderFingerprint } from '@runway/debian-env';
import { runGit } from '@runway/git';
import type { RunwayPluginOptions } from './options';

/**
 * The environment variable that carries the zlib and `tar` versions into the build hash: the
 * libraries that encode a package's bytes, which no file of the workspace records.
 */
export const ENCODERS_ENV = 'RUNWAY_ENCODERS';

/**
 * The environment variable that carries the Debian builder of this machine into the hash of a
 * prebuilt runtime's build: which platforms it can build (so which environment files the build
 * writes) and the mmdebstrap version (see `builderFingerprint` of `@runway/debian-env`).
 */
export const DEBIAN_BUILDER_ENV = 'RUNWAY_DEBIAN_BUILDER';

/** Project folders, as `createNodes` finds them: `runtimes/<name>/` and `payloads/<name>/`. */
const PROJECT_PATH = /^((?:runtimes|payloads)\/[^/]+)\//;

/**
 * Pure: the environment variable that carries git's entries of the project at `root` into its
 * task hashes, e.g. `RUNWAY_GIT_runtimes_python_3_11_5d41402a` (the suffix keeps `a-b` and `a_b`
 * apart).
 */
export function gitEntriesEnv(root: string): string {
  return `RUNWAY_GIT_${root.replace(/[^A-Za-z0-9]/g, '_')}_${createHash('sha256').update(root).digest('hex').slice(0, 8)}`;
}

/**
 * Pure: from `git ls-files --stage -z` run at the workspace root, one variable per project (see
 * {@link gitEntriesEnv}) holding a digest of its entries: every tracked path with its mode and
 * staged blob id. Nx hashes file contents but not modes, nor which files git tracks.
 */
export function gitEntriesEnvValues(lsFilesStage: string): Record<string, string> {
  const byRoot = new Map<string, ReturnType<typeof createHash>>();
  for (const record of lsFilesStage.split('\0')) {
    const root = PROJECT_PATH.exec(record.slice(record.indexOf('\t') + 1))?.[1];
    if (!root) continue;
    let hash = byRoot.get(root);
    if (!hash) byRoot.set(root, (hash = createHash('sha256')));
    hash.update(`${record}\0`);
  }
  return Object.fromEntries([...byRoot].map(([root, hash]) => [gitEntriesEnv(root), hash.digest('hex').slice(0, 32)]));
}

/** The zlib of this Node (the one Nx runs tasks with) and the version of the `tar` the packer loads. */
function encoders(): string {
  const packDir = dirname(require.resolve('@runway/pack'));
  const tarPackage = require.resolve('tar/package.json', { paths: [packDir] });
  return `zlib ${process.versions.zlib}, tar ${(JSON.parse(readFileSync(tarPackage, 'utf8')) as { version: string }).version}`;
}

/**
 * Runs in Nx before it hashes any task of a command: sets {@link ENCODERS_ENV},
 * {@link DEBIAN_BUILDER_ENV} and one {@link gitEntriesEnv} variable per project, the `env` inputs
 * of the inferred targets (the builder is asked alongside git, so it adds no wait). One git
 * call for the whole workspace: a `runtime` input per project would run a process per task, which
 * measured about 100 times slower on 500 projects. Outside a git repository no git variable is set
 * and the executors report the problem themselves.
 */
export const preTasksExecution: PreTasksExecution<RunwayPluginOptions> = async (_options, context) => {
  // Written one by one: Nx records assignments to process.env and hands them to the host process.
  process.env[ENCODERS_ENV] = encoders();
  const [listing, builder] = await Promise.all([
    runGit(context.workspaceRoot, ['ls-files', '--stage', '-z'], { exact: true }).catch(() => ''),
    builderFingerprint(),
  ]);
  process.env[DEBIAN_BUILDER_ENV] = builder;
  for (const [name, value] of Object.entries(gitEntriesEnvValues(listing))) process.env[name] = value;
};
