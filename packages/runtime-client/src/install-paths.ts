import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { isValidName, isValidVersion } from '@runway/manifest';
import { isSemver } from '@runway/registry';

/** A version that may name a folder: strict X.Y.Z, or a SemVer prerelease (no `+build`, no path characters), at most 64 characters. */
function isInstallVersion(version: string): boolean {
  return isSemver(version) && /^[0-9A-Za-z.-]+$/.test(version);
}

/**
 * Refuses names and versions that could act as paths (`..`, `/`) or overflow a folder name:
 * runtime names follow the manifest rule (at most 128 characters); versions are strict X.Y.Z, or
 * a SemVer prerelease (letters, digits, `.`, `-`) of at most 64 characters.
 */
export function checkInstallTarget(name: string, version: string): void {
  if (!isValidName(name)) {
    throw new UserError(`"${escapeText(name, 80)}" is not a valid runtime name`, { hint: 'names use lowercase letters, digits, "." and "-", starting with a letter or digit, at most 128 characters' });
  }
  if (!isInstallVersion(version)) {
    throw new UserError(`"${escapeText(version, 80)}" is not a valid runtime version`, { hint: 'write the exact version, e.g. python-3.11@1.3.1' });
  }
}

/** Every way to read a `<name>-<version>` folder name back as a valid name and version. */
function readings(folder: string): Array<{ name: string; version: string }> {
  const found: Array<{ name: string; version: string }> = [];
  for (let i = folder.indexOf('-'); i > 0; i = folder.indexOf('-', i + 1)) {
    const name = folder.slice(0, i);
    const version = folder.slice(i + 1);
    if (isValidName(name) && isInstallVersion(version)) found.push({ name, version });
  }
  return found;
}

/**
 * The folder of one installed version, injective over valid names and versions: Joblet's
 * `<name>-<version>` whenever that reads back unambiguously, else `<name>@<version>` (`@` occurs
 * in no name or version). A plain X.Y.Z version has no `-`, so its folder always reads back by
 * the last `-` and keeps the Joblet form; only a prerelease whose folder could also be read as
 * another pair (`py@1.0.0-1.0.0` versus `py-1.0.0@1.0.0`) takes the `@` form. Call after
 * `checkInstallTarget`.
 */
export function installFolder(name: string, version: string): string {
  const joblet = `${name}-${version}`;
  return isValidVersion(version) || readings(joblet).length === 1 ? joblet : `${name}@${version}`;
}

/** `<dir>/<installFolder(name, version)>`. */
export function installPath(dir: string, name: string, version: string): string {
  return join(dir, installFolder(name, version));
}

/** The name and version a folder stands for, when it is the folder `installFolder` gives them. */
export function parseInstallFolder(folder: string): { name: string; version: string } | undefined {
  const at = folder.indexOf('@');
  const options = at >= 0 ? [{ name: folder.slice(0, at), version: folder.slice(at + 1) }] : readings(folder);
  return options.find(({ name, version }) => isValidName(name) && isInstallVersion(version) && installFolder(name, version) === folder);
}
