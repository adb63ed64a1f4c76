import { DEBIAN_LOCK_FILE, prebuiltPlatforms } from './rules';
import type { Issue, Manifest, ProjectFile } from './types';

/**
 * Checks a project's files against its manifest (pure: the caller lists the folder). The rules
 * judge what a package will hold, i.e. what git tracks with git's modes: runtimes need
 * `setup.sh` and an executable `setup-<platform>.sh` per platform, payloads their Dockerfile, and
 * every project its `manifest.yaml`. When the working tree differs (a file only on disk, an x bit
 * set only on disk), the message says so and the fix is the git command that records it.
 * Prebuilt platforms (the `debian-*` ones of a runtime with a `debian:` section) are built in the
 * release pipeline, not set up on the host, so they need the committed lock instead of a script.
 */
export function checkProjectFiles(manifest: Manifest, files: ProjectFile[], projectDir: string): Issue[] {
  const issues: Issue[] = [];
  const byName = new Map(files.map((f) => [f.name, f]));
  const at = (name: string) => `${projectDir}/${name}`;
  /** Reports `name` when git does not track it; returns its entry when it does. */
  const requireTracked = (name: string, rule: string, missing: { message: string; fix: string }): ProjectFile | undefined => {
    const file = byName.get(name);
    if (file?.tracked) return file;
    issues.push({ severity: 'error', file: at(name), rule, ...(file?.disk ? untracked(name, at(name), file.disk.ignored) : missing) });
    return undefined;
  };

  if (!files.some((f) => f.tracked)) {
    // A new project before its first `git add`: one message, not one per file.
    return [{ severity: 'error', file: projectDir, rule: 'manifest-tracked',
      message: `git tracks none of the files in ${projectDir}, so its package would be empty`, fix: `git add ${projectDir}, then commit` }];
  }
  requireTracked('manifest.yaml', 'manifest-tracked', { message: 'manifest.yaml is missing', fix: `add ${at('manifest.yaml')}` });
  if (manifest.kind === 'payload') {
    requireTracked(manifest.dockerfile, 'dockerfile-present', {
      message: `payload "${manifest.name}" has no ${manifest.dockerfile}`,
      fix: `add ${at(manifest.dockerfile)} or point "dockerfile" in manifest.yaml at the right file`,
    });
    return issues;
  }

  requireTracked('setup.sh', 'setup-present', {
    message: 'setup.sh is missing', fix: `add ${at('setup.sh')}, the dispatcher that runs setup-<platform>.sh`,
  });
  const prebuilt = new Set(prebuiltPlatforms(manifest));
  if (prebuilt.size > 0) {
    requireTracked(DEBIAN_LOCK_FILE, 'debian-lock-present', {
      message: `${DEBIAN_LOCK_FILE} is missing: the ${[...prebuilt].join(', ')} environment${prebuilt.size > 1 ? 's have' : ' has'} no locked package versions`,
      fix: `create it with: node packages/debian-env/bin/debian-env.js lock ${projectDir} (then commit it)`,
    });
  }
  for (const platform of new Set(manifest.platforms)) {
    const script = `setup-${platform}.sh`;
    if (!byName.has(script) && prebuilt.has(platform)) continue;
    const file = requireTracked(script, 'platform-script-present', {
      message: `platform "${platform}" is listed but ${script} is missing`,
      fix: `add ${at(script)} or remove "${platform}" from platforms`,
    });
    if (file && !file.tracked!.executable) {
      issues.push({ severity: 'error', file: at(script), rule: 'platform-script-executable',
        message: file.disk?.executable
          ? `${script} is not executable in git (only on disk), and a package takes git's mode`
          : `${script} is not executable`,
        fix: `git add --chmod=+x ${at(script)}${file.disk && !file.disk.executable ? ` (and chmod +x ${at(script)} for your working tree)` : ''}, then commit` });
    }
  }
  return issues;
}

/** Pure: the message and fix for a required file that is on disk but not tracked by git. */
function untracked(name: string, path: string, ignored: boolean): { message: string; fix: string } {
  return ignored
    ? { message: `${name} is ignored by git (.gitignore), so a package would not contain it`, fix: `git add -f ${path}, or stop ignoring it in .gitignore, then commit` }
    : { message: `${name} is not tracked by git, so a package would not contain it`, fix: `git add ${path}, then commit` };
}
