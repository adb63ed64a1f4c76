import { DEBIAN_LOCK_FILE, prebuiltPlatforms } from './rules';
import type { Issue, Manifest, ProjectFile } from './types';

/**
 * Checks a project's files against its manifest (pure: the caller lists the folder). Runtimes need
 * `setup.sh` and an executable `setup-<platform>.sh` per platform; payloads need their Dockerfile.
 * Prebuilt platforms (the `debian-*` ones of a runtime with a `debian:` section) are built in the
 * release pipeline, not set up on the host, so they need the committed lock instead of a script.
 */
export function checkProjectFiles(manifest: Manifest, files: ProjectFile[], projectDir: string): Issue[] {
  const issues: Issue[] = [];
  const byName = new Map(files.map((f) => [f.name, f]));
  const at = (name: string) => `${projectDir}/${name}`;

  if (manifest.kind === 'payload') {
    if (!byName.has(manifest.dockerfile)) {
      issues.push({ severity: 'error', file: at(manifest.dockerfile), rule: 'dockerfile-present',
        message: `payload "${manifest.name}" has no ${manifest.dockerfile}`,
        fix: `add ${at(manifest.dockerfile)} or point "dockerfile" in manifest.yaml at the right file` });
    }
    return issues;
  }

  if (!byName.has('setup.sh')) {
    issues.push({ severity: 'error', file: at('setup.sh'), rule: 'setup-present',
      message: 'setup.sh is missing', fix: `add ${at('setup.sh')}, the dispatcher that runs setup-<platform>.sh` });
  }
  const prebuilt = new Set(prebuiltPlatforms(manifest));
  if (prebuilt.size > 0 && !byName.has(DEBIAN_LOCK_FILE)) {
    issues.push({ severity: 'error', file: at(DEBIAN_LOCK_FILE), rule: 'debian-lock-present',
      message: `${DEBIAN_LOCK_FILE} is missing: the ${[...prebuilt].join(', ')} environment${prebuilt.size > 1 ? 's have' : ' has'} no locked package versions`,
      fix: `create it with: node packages/debian-env/bin/debian-env.js lock ${projectDir} (then commit it)` });
  }
  for (const platform of new Set(manifest.platforms)) {
    const script = `setup-${platform}.sh`;
    const file = byName.get(script);
    if (!file && prebuilt.has(platform)) continue;
    if (!file) {
      issues.push({ severity: 'error', file: at(script), rule: 'platform-script-present',
        message: `platform "${platform}" is listed but ${script} is missing`,
        fix: `add ${at(script)} or remove "${platform}" from platforms` });
    } else if (!file.executable) {
      issues.push({ severity: 'error', file: at(script), rule: 'platform-script-executable',
        message: `${script} is not executable`, fix: `chmod +x ${at(script)} (and commit the mode: git add --chmod=+x)` });
    }
  }
  return issues;
}
