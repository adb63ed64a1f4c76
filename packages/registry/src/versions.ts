import { compare, parse, valid } from 'semver';
import type { Deprecation, RegistryEntry } from './types';

/** True for a strict SemVer 2.0.0 version (no `v`, no loose forms). */
export function isSemver(version: string): boolean {
  return valid(version, { loose: false }) === version;
}

/** Semver order (1.9.0 < 1.10.0, 1.0.0-rc.1 < 1.0.0); usable with `Array.prototype.sort`. */
export function compareVersions(a: string, b: string): number {
  return compare(a, b);
}

/** The versions of one runtime, lowest first. */
export function sortVersions(versions: Iterable<string>): string[] {
  return [...versions].sort(compareVersions);
}

export function isPrerelease(version: string): boolean {
  return (parse(version)?.prerelease.length ?? 0) > 0;
}

export function isDeprecated(entry: { deprecated?: Deprecation }): boolean {
  return entry.deprecated === true || (typeof entry.deprecated === 'object' && entry.deprecated !== null);
}

/**
 * The version `latest` means: highest stable (no prerelease), non-deprecated version, among those
 * supporting `platform` when one is given. Undefined when none qualifies.
 */
export function latestVersion(versions: Record<string, RegistryEntry>, platform?: string): string | undefined {
  const candidates = Object.entries(versions)
    .filter(([v, e]) => !isPrerelease(v) && !isDeprecated(e) && (platform === undefined || e.platforms.includes(platform)))
    .map(([v]) => v);
  return sortVersions(candidates).at(-1);
}
