import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { isValidName, isValidVersion } from '@runway/manifest';
import { isSemver } from '@runway/registry';

/**
 * Refuses names and versions that could act as paths (`..`, `/`): runtime names follow the
 * manifest rule; versions are strict X.Y.Z, or a SemVer prerelease (letters, digits, `.`, `-`).
 */
export function checkInstallTarget(name: string, version: string): void {
  if (!isValidName(name)) {
    throw new UserError(`"${name}" is not a valid runtime name`, { hint: 'names use lowercase letters, digits, "." and "-", starting with a letter or digit' });
  }
  if (!isValidVersion(version) && !(isSemver(version) && /^[0-9A-Za-z.-]+$/.test(version))) {
    throw new UserError(`"${version}" is not a valid runtime version`, { hint: 'write the exact version, e.g. python-3.11@1.3.1' });
  }
}

/** `<dir>/<name>-<version>`, after `checkInstallTarget`. */
export function installPath(dir: string, name: string, version: string): string {
  return join(dir, `${name}-${version}`);
}
