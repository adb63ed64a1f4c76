import { UserError } from '@runway/errors';
import { DEBIAN_PACKAGE_PATTERN } from '@runway/manifest';
import { isDebianPlatform } from './platforms';
import type { AptSource, DebianLock, LockedPackage, LockedPlatform } from './types';

/** The lock format this code reads and writes. */
export const LOCK_VERSION = 1;
export const LOCK_KIND = 'debian-lock';

/** Debian versions: `[epoch:]upstream[-revision]` from this alphabet (Policy §5.6.12). */
const DEBIAN_VERSION = /^(?:\d+:)?[0-9][A-Za-z0-9.+~:-]*$/;
const ARCHITECTURE = /^[a-z0-9-]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Pure: parses the text of a `debian.lock.json`, checking every field. Refuses a lock of another
 * `version` or `kind` (a newer Runway wrote it, or it is not a lock) and names the first bad field.
 */
export function parseLock(text: string, file = 'debian.lock.json'): DebianLock {
  const fail = (where: string, problem: string): never => {
    throw new UserError(`${file}: ${where} ${problem}`, {
      hint: 'regenerate it with: node packages/debian-env/bin/debian-env.js lock <runtime folder> (never edit it by hand)',
    });
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail('is not valid JSON:', (err as Error).message);
  }
  const doc = record(raw) ?? fail('the lock', 'must be a JSON object');
  if (doc.kind !== LOCK_KIND) fail('"kind"', `must be "${LOCK_KIND}", got ${JSON.stringify(doc.kind)}`);
  if (doc.version !== LOCK_VERSION) fail('"version"', `is ${JSON.stringify(doc.version)}; this Runway reads version ${LOCK_VERSION} only (upgrade Runway, or regenerate the lock)`);
  const suite = typeof doc.suite === 'string' && /^[a-z]+$/.test(doc.suite) ? doc.suite : fail('"suite"', 'must be a Debian codename such as "bookworm"');
  const request = stringArray(doc.request) ?? fail('"request"', 'must be a list of package names');
  request.forEach((name, i) => DEBIAN_PACKAGE_PATTERN.test(name) || fail(`request[${i}]`, `"${name}" is not a Debian package name`));

  const sourcesRaw = Array.isArray(doc.sources) && doc.sources.length > 0 ? doc.sources : fail('"sources"', 'must be a non-empty list');
  const sources = sourcesRaw.map((s, i): AptSource => {
    const src = record(s) ?? fail(`sources[${i}]`, 'must be an object');
    const uri = typeof src.uri === 'string' && /^(https?|file):\/\/\S+$/.test(src.uri) ? src.uri : fail(`sources[${i}].uri`, 'must be an http(s) or file URL');
    const sourceSuite = typeof src.suite === 'string' && /^[a-z][a-z0-9-]*$/.test(src.suite) ? src.suite : fail(`sources[${i}].suite`, 'must be an archive codename');
    const components = stringArray(src.components)?.filter((c) => /^[a-z0-9-]+$/.test(c));
    if (!components || components.length === 0 || components.length !== (src.components as unknown[]).length) fail(`sources[${i}].components`, 'must list components such as "main"');
    return { uri, suite: sourceSuite, components: components! };
  });

  const platformsRaw = record(doc.platforms) ?? fail('"platforms"', 'must be an object keyed by platform');
  const platforms: Record<string, LockedPlatform> = {};
  for (const [platform, value] of Object.entries(platformsRaw)) {
    if (!isDebianPlatform(platform)) fail(`platforms.${platform}`, 'is not a Debian platform (debian-amd64, debian-arm64)');
    const entry = record(value) ?? fail(`platforms.${platform}`, 'must be an object');
    const architecture = typeof entry.architecture === 'string' && ARCHITECTURE.test(entry.architecture) ? entry.architecture : fail(`platforms.${platform}.architecture`, 'must be a Debian architecture');
    const snapshotRaw = record(entry.snapshot) ?? fail(`platforms.${platform}.snapshot`, 'must map archive codenames to Release dates');
    const snapshot: Record<string, string> = {};
    for (const [codename, date] of Object.entries(snapshotRaw)) {
      if (!/^[a-z][a-z0-9-]*$/.test(codename)) fail(`platforms.${platform}.snapshot`, `has "${codename}", which is not an archive codename`);
      if (typeof date !== 'string' || Number.isNaN(Date.parse(date))) fail(`platforms.${platform}.snapshot.${codename}`, 'must be a date');
      snapshot[codename] = date as string;
    }
    const packagesRaw = Array.isArray(entry.packages) && entry.packages.length > 0 ? entry.packages : fail(`platforms.${platform}.packages`, 'must be a non-empty list');
    const seen = new Set<string>();
    const packages = packagesRaw.map((p, i): LockedPackage => {
      const where = `platforms.${platform}.packages[${i}]`;
      const pkg = record(p) ?? fail(where, 'must be an object');
      const name = typeof pkg.name === 'string' && DEBIAN_PACKAGE_PATTERN.test(pkg.name) ? pkg.name : fail(`${where}.name`, 'must be a Debian package name');
      const version = typeof pkg.version === 'string' && DEBIAN_VERSION.test(pkg.version) ? pkg.version : fail(`${where}.version`, `of ${name} must be a Debian version`);
      const arch = typeof pkg.architecture === 'string' && ARCHITECTURE.test(pkg.architecture) ? pkg.architecture : fail(`${where}.architecture`, `of ${name} must be a Debian architecture`);
      if (arch !== 'all' && arch !== architecture) fail(`${where}.architecture`, `of ${name} is ${arch}, but the platform is ${architecture}`);
      const sha256 = typeof pkg.sha256 === 'string' && SHA256.test(pkg.sha256) ? pkg.sha256 : fail(`${where}.sha256`, `of ${name} must be 64 lowercase hex digits`);
      const size = typeof pkg.size === 'number' && Number.isSafeInteger(pkg.size) && pkg.size > 0 ? pkg.size : fail(`${where}.size`, `of ${name} must be a positive whole number of bytes`);
      if (seen.has(name)) fail(where, `lists ${name} twice`);
      seen.add(name);
      return { name, version, architecture: arch, sha256, size };
    });
    platforms[platform] = { architecture, snapshot, packages };
  }
  return { version: LOCK_VERSION, kind: LOCK_KIND, suite, request, sources, platforms };
}

/**
 * Pure: the canonical text of a lock: fixed key order, platforms and packages sorted, one package
 * per line (a refresh diff reads as "these packages moved"), 2-space indent, final newline.
 * `parseLock(serializeLock(l))` deep-equals the canonical form of `l`.
 */
export function serializeLock(lock: DebianLock): string {
  const q = JSON.stringify;
  const lines: string[] = [];
  lines.push('{', `  "version": ${LOCK_VERSION},`, `  "kind": ${q(LOCK_KIND)},`, `  "suite": ${q(lock.suite)},`);
  lines.push(`  "request": [${[...lock.request].sort().map((r) => q(r)).join(', ')}],`);
  lines.push('  "sources": [');
  lock.sources.forEach((s, i) => lines.push(`    {"uri": ${q(s.uri)}, "suite": ${q(s.suite)}, "components": [${s.components.map((c) => q(c)).join(', ')}]}${i < lock.sources.length - 1 ? ',' : ''}`));
  lines.push('  ],', '  "platforms": {');
  const platforms = Object.keys(lock.platforms).sort();
  platforms.forEach((platform, pi) => {
    const entry = lock.platforms[platform];
    const snapshot = Object.keys(entry.snapshot).sort().map((k) => `${q(k)}: ${q(entry.snapshot[k])}`).join(', ');
    lines.push(`    ${q(platform)}: {`, `      "architecture": ${q(entry.architecture)},`, `      "snapshot": {${snapshot}},`, '      "packages": [');
    const packages = sortPackages(entry.packages);
    packages.forEach((p, i) => lines.push(`        {"name": ${q(p.name)}, "version": ${q(p.version)}, "architecture": ${q(p.architecture)}, "sha256": ${q(p.sha256)}, "size": ${p.size}}${i < packages.length - 1 ? ',' : ''}`));
    lines.push('      ]', `    }${pi < platforms.length - 1 ? ',' : ''}`);
  });
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

/** Pure: packages by name, then architecture (byte order, like `LC_ALL=C sort`). */
export function sortPackages(packages: readonly LockedPackage[]): LockedPackage[] {
  const key = (p: LockedPackage) => `${p.name}\0${p.architecture}`;
  return [...packages].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}
