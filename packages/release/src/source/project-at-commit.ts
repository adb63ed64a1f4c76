import { basename } from 'node:path';
import { UserError } from '@runway/errors';
import { listFolderAt, mapGitFailure, readFileAt } from '@runway/git';
import { checkProjectFiles, kindOfProject, parseManifest, type ManifestResult } from '@runway/manifest';

/**
 * Validates a project as it is in `commit` (what the release packs): its manifest.yaml as
 * committed, and the files the manifest requires with the modes git records.
 * @throws UserError when the commit has no manifest for the project.
 */
export async function validateProjectAt(workspaceRoot: string, commit: string, projectRoot: string): Promise<ManifestResult> {
  const file = `${projectRoot}/manifest.yaml`;
  const text = await readFileAt(workspaceRoot, commit, file).catch((err) => { throw mapGitFailure(err, workspaceRoot, ['cat-file', file]); });
  if (text === undefined) {
    throw new UserError(`${file} is not in commit ${commit.slice(0, 12)}, the commit being released`, {
      hint: `commit the project first (git add ${projectRoot} && git commit)`,
    });
  }
  const result = parseManifest(text, { file, kind: kindOfProject(projectRoot), folderName: basename(projectRoot) });
  if (!result.manifest) return result;
  const entries = await listFolderAt(workspaceRoot, commit, projectRoot);
  const files = entries.map((e) => ({ name: e.name, tracked: { executable: e.mode === '100755' } }));
  const issues = checkProjectFiles(result.manifest, files, projectRoot);
  const errors = issues.filter((i) => i.severity === 'error');
  return {
    manifest: errors.length ? undefined : result.manifest,
    errors: [...result.errors, ...errors],
    warnings: [...result.warnings, ...issues.filter((i) => i.severity === 'warning')],
  };
}
