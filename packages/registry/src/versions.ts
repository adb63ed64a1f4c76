// The three functions by path: the package index loads all of semver (ranges, comparators),
// which every runtime install would pay for in memory without using it.
import compare from 'semver/functions/compare';
import parse from 'semver/functions/parse';
import valid from 'semver/functions/valid';
import type { Deprecation, RegistryEntry } from './types';

/** Plain `X.Y.Z` without leading zeros: almost every registry key, so it gets a fast path. */
const PLAIN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/**
 * The longest version accepted. SemVer sets no limit, but a version becomes part of a folder name
 * (`<name>-<version>`, with names of at most 128 characters, under the 255 bytes a name may have)
 * and of every message; real versions are far shorter.
 */
export const MAX_VERSION_LENGTH = 64;

/**
 * True for a strict SemVer 2.0.0 version (no `v`, no loose forms) of at most
 * `MAX_VERSION_LENGTH` characters whose numbers are exact in JavaScript (the `semver` library
 * throws on larger ones when it compares them).
 */
export function isSemver(version: string): boolean {
  if (version.length > MAX_VERSION_LENGTH) return false;
  const plain = PLAIN.exec(version);
  if (plain) return plain.slice(1).every((n) => Number.isSafeInteger(Number(n)));
  return valid(version, { loose: false }) === version;
}

/**
 * Semver order (1.9.0 < 1.10.0, 1.0.0-rc.1 < 1.0.0); usable with `Array.prototype.sort`.
 * Plain versions compare numerically without building `SemVer` objects: a registry of 10,000
 * versions is sorted on every write, and object churn there dominated the write time.
 */
export function compareVersions(a: string, b: string): number {
  const x = PLAIN.exec(a);
  const y = x && PLAIN.exec(b);
  if (x && y) return Number(x[1]) - Number(y[1]) || Number(x[2]) - Number(y[2]) || Number(x[3]) - Number(y[3]);
  return compare(a, b);
}

/** The versions of one runtime, lowest first. */
export function sortVersions(versions: Iterable<string>): string[] {
  return [...versions].sort(compareVersions);
}

export function isPrerelease(version: string): boolean {
  return !PLAIN.test(version) && (parse(version)?.prerelease.length ?? 0) > 0;
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
