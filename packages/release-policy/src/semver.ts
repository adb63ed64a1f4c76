/**
 * Strict SemVer 2.0.0 (https://semver.org): the grammar of the spec, nothing looser. No `v`
 * prefix here (callers strip it), no leading zeros, exactly three numeric parts, no empty
 * pre-release or build identifiers.
 */
const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** A parsed version. `build` is kept for display only: it never takes part in ordering or tags. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers (`rc.1` → `['rc', '1']`); empty for a stable version. */
  prerelease: string[];
  build: string[];
}

/** Parses a strict SemVer 2.0.0 string (no `v`), or returns undefined. */
export function parseSemver(text: string): SemVer | undefined {
  const m = SEMVER_PATTERN.exec(text);
  if (!m) return undefined;
  const parts = [m[1], m[2], m[3]].map(Number);
  // Numbers beyond 2^53 cannot be compared reliably; no real project needs them.
  if (parts.some((n) => !Number.isSafeInteger(n))) return undefined;
  return {
    major: parts[0], minor: parts[1], patch: parts[2],
    prerelease: m[4] ? m[4].split('.') : [],
    build: m[5] ? m[5].split('.') : [],
  };
}

/** Explains why `text` is not strict SemVer, for error messages (assumes it failed to parse). */
export function describeSemverProblem(text: string): string {
  if (text === '') return 'is empty';
  const core = text.split(/[-+]/, 1)[0];
  const parts = core.split('.');
  if (parts.length < 3) return `has ${parts.length} numeric part${parts.length === 1 ? '' : 's'}, needs MAJOR.MINOR.PATCH`;
  if (parts.length > 3) return `has ${parts.length} numeric parts, needs exactly MAJOR.MINOR.PATCH`;
  if (parts.some((p) => !/^\d+$/.test(p))) return 'has a MAJOR, MINOR or PATCH part that is not a number';
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return 'has a leading zero in MAJOR, MINOR or PATCH';
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

export function isStable(v: SemVer): boolean {
  return v.prerelease.length === 0;
}

/** SemVer precedence: negative when a < b, 0 when equal (build metadata ignored), positive when a > b. */
export function compareSemver(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // A stable version outranks every pre-release of the same core.
  if (!a.prerelease.length || !b.prerelease.length) return (a.prerelease.length ? -1 : 0) + (b.prerelease.length ? 1 : 0);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Math.sign(Number(x) - Number(y));
    if (xn) return -1;
    if (yn) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
