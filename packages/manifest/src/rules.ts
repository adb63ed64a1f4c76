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
