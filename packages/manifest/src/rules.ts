/** Runtime and payload names: lowercase letters, digits, `.` and `-`, starting with a letter or digit. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9.-]*$/;

/** Strict `MAJOR.MINOR.PATCH`: digits only, no leading zeros, no `v`, no suffix. */
export const VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** Platforms a runtime may list; each needs its own `setup-<platform>.sh`. */
export const KNOWN_PLATFORMS = [
  'ubuntu-amd64',
  'ubuntu-arm64',
  'debian-amd64',
  'debian-arm64',
  'rhel-amd64',
  'rhel-arm64',
  'amzn-amd64',
  'amzn-arm64',
] as const;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name) && name.length <= 128;
}

export function isValidVersion(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

/** Explains why a version is not strict `MAJOR.MINOR.PATCH`, for error messages. */
export function describeVersionProblem(version: string): string {
  if (/^v/i.test(version)) return 'has a "v" prefix';
  if (/[-+]/.test(version)) return 'has a pre-release or build suffix';
  const parts = version.split('.');
  if (parts.length !== 3) return `has ${parts.length} part${parts.length === 1 ? '' : 's'}, needs exactly 3`;
  if (parts.some((p) => !/^\d+$/.test(p))) return 'has a part that is not a number';
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return 'has a leading zero';
  return 'is not MAJOR.MINOR.PATCH';
}

/** Debian releases a `debian:` section may name; each has `<suite>`, `-updates` and `-security` archives. */
export const KNOWN_DEBIAN_SUITES = ['bookworm', 'trixie'] as const;

/** Debian package names (Policy §5.6.1): lowercase letters, digits, `+`, `-`, `.`; two or more characters. */
export const DEBIAN_PACKAGE_PATTERN = /^[a-z0-9][a-z0-9+.-]+$/;

/** Environment variable names a `runtime.yml` may set. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The lock of a runtime with a `debian:` section, committed next to its `manifest.yaml`. */
export const DEBIAN_LOCK_FILE = 'debian.lock.json';

/**
 * The platforms of a runtime that ship a prebuilt environment instead of a setup script: its
 * `debian-*` platforms when the manifest has a `debian:` section. The validator (no setup script
 * needed) and the environment builder (what to build) both ask this one function.
 */
export function prebuiltPlatforms(manifest: { platforms: readonly string[]; debian?: unknown }): string[] {
  return manifest.debian ? manifest.platforms.filter((p) => p.startsWith('debian-')) : [];
}

/**
 * Whether `path` is absolute and already in its shortest form: no `.`/`..` segments, no empty
 * segments, no trailing slash, not `/` itself. Mount targets must be; anything else is ambiguous.
 */
export function isCleanAbsolutePath(path: string): boolean {
  if (!path.startsWith('/') || path === '/' || path.endsWith('/') || path.includes('\0')) return false;
  return path.slice(1).split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}
