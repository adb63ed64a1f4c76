import { readlinkSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, posix, relative } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { ignoredByGit, listTrackedEntries, type TrackedEntry } from '@runway/git';
import { checkProjectFiles, kindOfProject, parseManifest, type ManifestResult, type ProjectFile } from '@runway/manifest';

/**
 * Reads `<workspaceRoot>/<projectRoot>/manifest.yaml` and validates it (file checks not included).
 * `runtimes` (the workspace's runtime folders) makes a payload's `runtime:` checked against them.
 */
export async function readManifest(workspaceRoot: string, projectRoot: string, options: { runtimes?: readonly string[] } = {}): Promise<ManifestResult> {
  const file = join(projectRoot, 'manifest.yaml');
  const text = await readFile(join(workspaceRoot, file), 'utf8').catch((err) => { throw mapFsError(err, `read ${file}`); });
  return parseManifest(text, { file, kind: kindOfProject(projectRoot), folderName: basename(projectRoot), runtimes: options.runtimes });
}

/** The folders under `runtimes/` that hold a `manifest.yaml`: what a payload's `runtime:` may name. */
export async function listRuntimeFolders(workspaceRoot: string): Promise<string[]> {
  const entries = await readdir(join(workspaceRoot, 'runtimes'), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw mapFsError(err, 'read runtimes/');
  });
  const found = await Promise.all(entries.filter((e) => e.isDirectory()).map(async (e) =>
    (await stat(join(workspaceRoot, 'runtimes', e.name, 'manifest.yaml')).then((s) => s.isFile(), () => false)) ? e.name : undefined));
  return found.filter((name): name is string => name !== undefined).sort();
}

/**
 * Full validation of one project: manifest plus the files it requires, judged on what git's index
 * records (what `build` packs, and what the next commit, hence a release, holds), with the disk
 * state alongside so a message can explain a difference.
 * @throws UserError outside a git repository (a package is defined by what git tracks).
 */
export async function validateProject(workspaceRoot: string, projectRoot: string): Promise<ManifestResult> {
  const runtimes = kindOfProject(projectRoot) === 'payload' ? await listRuntimeFolders(workspaceRoot) : undefined;
  const result = await readManifest(workspaceRoot, projectRoot, { runtimes });
  if (!result.manifest) return result;
  const files = await listProjectFiles(join(workspaceRoot, projectRoot));
  const issues = checkProjectFiles(result.manifest, files, relative(workspaceRoot, join(workspaceRoot, projectRoot)));
  const errors = issues.filter((i) => i.severity === 'error');
  return {
    manifest: errors.length ? undefined : result.manifest,
    errors: [...result.errors, ...errors],
    warnings: [...result.warnings, ...issues.filter((i) => i.severity === 'warning')],
  };
}

/** The top-level files of a project folder: as git's index records them, and as they are on disk. */
async function listProjectFiles(dir: string): Promise<ProjectFile[]> {
  const tracked = await listTrackedEntries(dir, 'index');
  const byPath = new Map(tracked.map((e) => [e.path, e]));
  const files = new Map<string, ProjectFile>();
  for (const entry of tracked) {
    if (!entry.path.includes('/')) files.set(entry.path, { name: entry.path, tracked: { executable: isExecutable(entry, byPath, dir) } });
  }
  const onDisk = await readdir(dir).catch((err) => { throw mapFsError(err, `read ${dir}`); });
  const untracked = onDisk.filter((name) => !byPath.has(name));
  const ignored = untracked.length ? await ignoredByGit(dir, untracked) : new Set<string>();
  await Promise.all(onDisk.map(async (name) => {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (!s?.isFile()) return;
    files.set(name, { name, ...files.get(name), disk: { executable: (s.mode & 0o111) !== 0, ignored: ignored.has(name) } });
  }));
  return [...files.values()];
}

/**
 * Whether git records `entry` as executable; a symlink counts as its target inside the project
 * (read from the working tree, as the index holds only its id), followed a few links deep.
 */
function isExecutable(entry: TrackedEntry, byPath: Map<string, TrackedEntry>, dir: string, depth = 0): boolean {
  if (entry.mode === '100755') return true;
  if (entry.mode !== '120000' || depth > 8) return false;
  let target: string;
  try {
    target = readlinkSync(join(dir, entry.path));
  } catch {
    return false;
  }
  const next = byPath.get(posix.normalize(posix.join(posix.dirname(entry.path), target)));
  return next !== undefined && isExecutable(next, byPath, dir, depth + 1);
}
