// Only the two functions used, by path: the package index also loads ranges and comparators.
import compare from 'semver/functions/compare';
import parse from 'semver/functions/parse';

/** A parsed version. `build` is kept for display only: it never takes part in ordering or tags. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers (`rc.1` → `['rc', '1']`); empty for a stable version. */
  prerelease: string[];
  build: string[];
}

/**
 * Parses a strict SemVer 2.0.0 string, or returns undefined. The `semver` library decides the
 * grammar (no leading zeros, no empty identifiers, numbers within 2^53); this only adds what the
 * library forgives: a `v` or `=` prefix and surrounding whitespace (callers strip a tag's `v`).
 */
export function parseSemver(text: string): SemVer | undefined {
  const parsed = parse(text, { loose: false });
  if (!parsed) return undefined;
  const build = parsed.build.length ? `+${parsed.build.join('.')}` : '';
  if (`${parsed.version}${build}` !== text) return undefined;
  return {
    major: parsed.major, minor: parsed.minor, patch: parsed.patch,
    prerelease: parsed.prerelease.map(String),
    build: [...parsed.build],
  };
}

/** Explains why `text` is not strict SemVer, for error messages (assumes it failed to parse). */
export function describeSemverProblem(text: string): string {
  if (text === '') return 'is empty';
  if (text.trim() !== text) return 'has surrounding whitespace';
  if (/^[v=]/i.test(text)) return `starts with "${text[0]}": write the version without it`;
  const core = text.split(/[-+]/, 1)[0];
  const parts = core.split('.');
  if (parts.length < 3) return `has ${parts.length} numeric part${parts.length === 1 ? '' : 's'}, needs MAJOR.MINOR.PATCH`;
  if (parts.length > 3) return `has ${parts.length} numeric parts, needs exactly MAJOR.MINOR.PATCH`;
  if (parts.some((p) => !/^\d+$/.test(p))) return 'has a MAJOR, MINOR or PATCH part that is not a number';
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return 'has a leading zero in MAJOR, MINOR or PATCH';
  if (parts.some((p) => !Number.isSafeInteger(Number(p)))) return 'has a MAJOR, MINOR or PATCH part too large to compare';
  if (/-(\+|$)/.test(text) || /-.*(\.\.|\.$|\.\+)/.test(text)) return 'has an empty pre-release identifier';
  if (/\+$/.test(text) || /\+.*(\.\.|\.$)/.test(text)) return 'has empty build metadata';
  if (/-(?:[^+]*\.)?0\d/.test(text.split('+')[0])) return 'has a numeric pre-release identifier with a leading zero';
  return 'has characters outside [0-9A-Za-z-] in its pre-release or build part';
}

/** `X.Y.Z[-pre]`, without build metadata (which container tags cannot carry). */
export function formatSemver(v: SemVer): string {
  const core = `${v.major}.${v.minor}.${v.patch}`;
  return v.prerelease.length ? `${core}-${v.prerelease.join('.')}` : core;
}

/** True for a release version (no pre-release identifiers). */
export function isStable(v: SemVer): boolean {
  return v.prerelease.length === 0;
}

/** SemVer precedence by the `semver` library: negative when a < b, 0 when equal (build metadata ignored), positive when a > b. */
export function compareSemver(a: SemVer, b: SemVer): number {
  return compare(formatSemver(a), formatSemver(b));
}
