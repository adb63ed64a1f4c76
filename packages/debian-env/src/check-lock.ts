import { UserError } from '@runway/errors';
import type { DebianLock, EnvironmentDefinition, LockedPackage } from './types';

/**
 * Pure: why `lock` does not describe `definition` on `platform`, or `[]` when it does. A lock is
 * stale when the manifest's suite or package list changed since it was resolved, or when it has
 * no entry for the platform being built.
 */
export function lockProblems(lock: DebianLock, definition: EnvironmentDefinition, platform: string): string[] {
  const problems: string[] = [];
  if (lock.suite !== definition.suite) problems.push(`the lock is for suite "${lock.suite}" but the manifest asks for "${definition.suite}"`);
  const wanted = new Set(definition.packages);
  const locked = new Set(lock.request);
  const added = [...wanted].filter((p) => !locked.has(p)).sort();
  const removed = [...locked].filter((p) => !wanted.has(p)).sort();
  if (added.length > 0) problems.push(`the manifest added ${added.join(', ')}`);
  if (removed.length > 0) problems.push(`the manifest removed ${removed.join(', ')}`);
  if (!lock.platforms[platform]) problems.push(`the lock has no ${platform} entry (it has ${Object.keys(lock.platforms).sort().join(', ') || 'none'})`);
  return problems;
}

/** Pure: throws a `UserError` naming the lock file and what to run when the lock is stale. */
export function assertLockFits(lock: DebianLock, definition: EnvironmentDefinition, platform: string, lockFile: string): void {
  const problems = lockProblems(lock, definition, platform);
  if (problems.length === 0) return;
  throw new UserError(`${lockFile} is out of date with ${definition.name}'s manifest: ${problems.join('; ')}`, {
    hint: `refresh it: node packages/debian-env/bin/debian-env.js lock <runtime folder>, commit it, and bump "version" (the environment's content changes)`,
  });
}

/** A package as `dpkg-query` reports it inside the built environment. */
export interface InstalledPackage {
  name: string;
  version: string;
  architecture: string;
  /** dpkg's status abbreviation, `ii` when fully installed. */
  status: string;
}

/**
 * Pure: parses `dpkg-query -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'`.
 * Lines that do not have four fields are ignored (dpkg prints none).
 */
export function parseDpkgQuery(text: string): InstalledPackage[] {
  return text.split('\n').map((line) => line.split('\t')).filter((f) => f.length === 4)
    .map(([status, name, version, architecture]) => ({ status: status.trim(), name, version, architecture }));
}

/** How the built environment differs from its lock. */
export interface InstallDifference {
  /** Locked but not installed (or not fully). */
  missing: LockedPackage[];
  /** Installed at another version or architecture than locked. */
  changed: Array<{ locked: LockedPackage; installed: InstalledPackage }>;
  /** Installed but not in the lock. */
  unexpected: InstalledPackage[];
}

/** Pure: compares what dpkg reports with the lock; every list empty means the environment is exactly the lock. */
export function compareInstalled(locked: readonly LockedPackage[], installed: readonly InstalledPackage[]): InstallDifference {
  const present = new Map(installed.filter((p) => p.status === 'ii').map((p) => [p.name, p]));
  const lockedNames = new Set(locked.map((p) => p.name));
  const missing: LockedPackage[] = [];
  const changed: InstallDifference['changed'] = [];
  for (const pkg of locked) {
    const found = present.get(pkg.name);
    if (!found) missing.push(pkg);
    else if (found.version !== pkg.version || found.architecture !== pkg.architecture) changed.push({ locked: pkg, installed: found });
  }
  const unexpected = [...present.values()].filter((p) => !lockedNames.has(p.name));
  return { missing, changed, unexpected };
}

/** Pure: a one-line summary of a difference, for an error message; empty when there is none. */
export function describeDifference(diff: InstallDifference): string {
  const parts = [
    ...diff.missing.map((p) => `${p.name}=${p.version} was not installed`),
    ...diff.changed.map(({ locked, installed }) => `${locked.name} is ${installed.version} (${installed.architecture}), locked ${locked.version} (${locked.architecture})`),
    ...diff.unexpected.map((p) => `${p.name}=${p.version} is installed but not locked`),
  ];
  return parts.join('; ');
}

/**
 * Pure: the file name apt gives a downloaded package in `/var/cache/apt/archives`:
 * `<name>_<version>_<arch>.deb`, the epoch colon written `%3a`.
 */
export function debFileName(pkg: Pick<LockedPackage, 'name' | 'version' | 'architecture'>): string {
  return `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_${pkg.architecture}.deb`;
}
