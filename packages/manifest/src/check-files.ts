import type { Issue, Manifest, ProjectFile } from './types';

/**
 * Checks a project's files against its manifest (pure: the caller lists the folder). Runtimes need
 * `setup.sh` and an executable `setup-<platform>.sh` per platform; payloads need their Dockerfile.
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
  for (const platform of new Set(manifest.platforms)) {
    const script = `setup-${platform}.sh`;
    const file = byName.get(script);
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
