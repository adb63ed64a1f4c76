import { UserError } from '@runway/errors';
import { isValidName } from '@runway/manifest';
import { ownValue } from './own-value';
import { shortList, showKey } from './show-key';
import { timestamp } from './timestamp';
import type { Registry, RegistryEntry } from './types';
import { validateEntry } from './validate-entry';
import { isDeprecated, isSemver, sortVersions } from './versions';

/** A new, empty registry stamped with `now`. */
export function emptyRegistry(now: Date): Registry {
  return { version: '1', updated_at: timestamp(now), runtimes: {} };
}

/**
 * The catalogs of a registry: `runtimes` (installable, what Joblet clients read) and `payloads`
 * (listed apart, so a client that knows only `runtimes` never offers a payload as a runtime).
 */
export type RegistrySection = 'runtimes' | 'payloads';

/** What one entry of a section is called in messages, and the folder its manifest lives in. */
const SECTION_NOUN: Record<RegistrySection, string> = { runtimes: 'runtime', payloads: 'payload' };

function withVersion(registry: Registry, name: string, entry: RegistryEntry, now: Date, section: RegistrySection = 'runtimes'): Registry {
  const entries = registry[section] ?? {};
  return {
    ...registry,
    updated_at: timestamp(now),
    [section]: { ...entries, [name]: { ...ownValue(entries, name), [entry.version]: entry } },
  };
}

/**
 * Adds a published version. Pure: returns a new registry and never mutates its argument.
 * Published versions are immutable: the same version with the same checksum is `'unchanged'`
 * (the registry is returned as is, `updated_at` included, so a re-run writes identical bytes);
 * with another checksum it is refused. `section` picks the catalog (runtimes unless told).
 *
 * @throws UserError for an invalid name or entry, or a checksum conflict (naming both checksums).
 */
export function addEntry(registry: Registry, name: string, entry: RegistryEntry, now: Date, section: RegistrySection = 'runtimes'): { registry: Registry; outcome: 'added' | 'unchanged' } {
  const noun = SECTION_NOUN[section];
  if (!isValidName(name)) {
    throw new UserError(`cannot add "${showKey(name)}" to the registry: not a valid ${noun} name`, { hint: 'use lowercase letters, digits, "." and "-", starting with a letter or digit' });
  }
  const issues = validateEntry(entry);
  if (!isSemver(entry.version)) issues.unshift({ path: 'version', message: `"${entry.version}" is not a semantic version` });
  if (issues.length > 0) {
    throw new UserError(`cannot add ${name}@${showKey(String(entry.version))} to the registry: ${issues.map((i) => `${i.path || 'entry'} ${i.message}`).join('; ')}`, {
      hint: 'see packages/registry/registry.schema.json for the entry format',
    });
  }
  const existing = ownValue(ownValue(registry[section], name), entry.version);
  if (existing) {
    const conflict = existing.checksum !== entry.checksum
      ? `checksum ${existing.checksum}; the new package has ${entry.checksum}`
      : prebuiltConflict(existing, entry);
    if (!conflict) return { registry, outcome: 'unchanged' };
    throw new UserError(`${name}@${entry.version} is already published with ${conflict}`, {
      hint: `published versions are immutable: bump "version" in ${section}/${name}/manifest.yaml and release again`,
    });
  }
  return { registry: withVersion(registry, name, entry, now, section), outcome: 'added' };
}

/** A prebuilt platform both entries list with different bytes, described for a message; undefined when none. */
function prebuiltConflict(existing: RegistryEntry, entry: RegistryEntry): string | undefined {
  for (const [platform, artifact] of Object.entries(entry.prebuilt ?? {})) {
    const held = ownValue(existing.prebuilt, platform);
    if (held && held.checksum !== artifact.checksum) return `a ${platform} environment of checksum ${held.checksum}; the new one has ${artifact.checksum}`;
  }
  return undefined;
}

/** Versions of `name`, or a UserError listing the runtimes the registry has. */
export function versionsOf(registry: Registry, name: string): Record<string, RegistryEntry> {
  const versions = ownValue(registry.runtimes, name);
  if (versions && Object.keys(versions).length > 0) return versions;
  const names = Object.keys(registry.runtimes).sort();
  throw new UserError(`runtime "${showKey(name)}" is not in the registry`, {
    hint: names.length > 0 ? `available runtimes: ${shortList(names)}` : 'the registry is empty',
  });
}

/** Lists versions for error messages: `1.0.0, 1.2.0 (deprecated)`, the newest 20 when there are more. */
export function describeVersions(versions: Record<string, RegistryEntry>): string {
  return shortList(sortVersions(Object.keys(versions)).map((v) => (isDeprecated(versions[v]) ? `${v} (deprecated)` : v)), true);
}

/**
 * Marks a version deprecated instead of deleting it (pure). Re-deprecating with the same reason
 * and replacement returns the registry unchanged, so the operation is safe to repeat.
 *
 * `section` picks the catalog (runtimes unless told), as for `addEntry`.
 *
 * @throws UserError when the version (or the `use` replacement) is not in the registry.
 */
export function deprecateEntry(registry: Registry, name: string, version: string, info: { reason?: string; use?: string }, now: Date, section: RegistrySection = 'runtimes'): Registry {
  const versions = section === 'runtimes' ? versionsOf(registry, name) : ownValue(registry[section], name) ?? {};
  const entry = ownValue(versions, version);
  if (!entry) {
    throw new UserError(`${name}@${showKey(version)} is not in the registry, so it cannot be deprecated`, { hint: `available versions: ${describeVersions(versions)}` });
  }
  if (info.use !== undefined && (!ownValue(versions, info.use) || info.use === version)) {
    throw new UserError(`cannot point ${name}@${version} users to "${showKey(info.use)}": not another published version`, { hint: `available versions: ${describeVersions(versions)}` });
  }
  const current = typeof entry.deprecated === 'object' ? entry.deprecated : undefined;
  if (isDeprecated(entry) && current?.reason === info.reason && current?.use === info.use) return registry;
  const deprecated = { ...(info.reason !== undefined && { reason: info.reason }), ...(info.use !== undefined && { use: info.use }), at: timestamp(now) };
  return withVersion(registry, name, { ...entry, deprecated }, now, section);
}
