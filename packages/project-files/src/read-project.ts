import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { checkProjectFiles, kindOfProject, parseManifest, type ManifestResult, type ProjectFile } from '@runway/manifest';

/** Reads `<workspaceRoot>/<projectRoot>/manifest.yaml` and validates it (file checks not included). */
export async function readManifest(workspaceRoot: string, projectRoot: string): Promise<ManifestResult> {
  const file = join(projectRoot, 'manifest.yaml');
  const text = await readFile(join(workspaceRoot, file), 'utf8').catch((err) => { throw mapFsError(err, `read ${file}`); });
  return parseManifest(text, { file, kind: kindOfProject(projectRoot), folderName: basename(projectRoot) });
}

/** Lists the top-level files of a project folder with their executable bit. */
export async function listProjectFiles(dir: string): Promise<ProjectFile[]> {
  const names = await readdir(dir);
  return Promise.all(names.map(async (name) => {
    const s = await stat(join(dir, name));
    return { name, executable: s.isFile() && (s.mode & 0o111) !== 0 };
  }));
}

/** Full validation of one project: manifest plus the files it requires. */
export async function validateProject(workspaceRoot: string, projectRoot: string): Promise<ManifestResult> {
  const result = await readManifest(workspaceRoot, projectRoot);
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
