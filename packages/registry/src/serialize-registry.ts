import type { Registry, RegistryEntry } from './types';
import { sortVersions } from './versions';

const ENTRY_KEYS = ['version', 'description', 'download_url', 'checksum', 'size', 'platforms', 'published_at', 'deprecated'];
const HEADER_KEYS = ['version', 'updated_at', 'runtimes', 'payloads'];

/** Known keys first in their documented order, then the extras sorted: the same data always prints the same way. */
function ordered<T extends Record<string, unknown>>(value: T, known: string[], leading: string[] = []): T {
  const keys = Object.keys(value);
  const extras = keys.filter((k) => !known.includes(k) && !leading.includes(k)).sort();
  const order = [...leading, ...known.filter((k) => value[k] !== undefined), ...extras];
  // Entries read from a canonical file are already in order; reusing them keeps a 10,000-version
  // write from copying every entry.
  if (order.length === keys.length && order.every((k, i) => keys[i] === k)) return value;
  const out: Record<string, unknown> = {};
  for (const key of order) out[key] = value[key];
  return out as T;
}

/**
 * Canonical `registry.json` text: runtime (and payload) names sorted, versions in semver order (1.9.0 before
 * 1.10.0), entry fields in a fixed order, 2-space indent, final newline. Comment keys such as
 * Joblet's `_comment` stay on top in their original order, so a release diff is just the new entry.
 */
export function serializeRegistry(registry: Registry): string {
  const comments = Object.keys(registry).filter((k) => k.startsWith('_'));
  const payloads = registry.payloads && { payloads: orderedSection(registry.payloads) };
  return `${JSON.stringify(ordered({ ...registry, runtimes: orderedSection(registry.runtimes), ...payloads }, HEADER_KEYS, comments), null, 2)}\n`;
}

/** One catalog (`runtimes` or `payloads`) with names sorted and versions in semver order. */
function orderedSection(section: Record<string, Record<string, RegistryEntry>>): Record<string, Record<string, RegistryEntry>> {
  const out: Record<string, Record<string, RegistryEntry>> = {};
  for (const name of Object.keys(section).sort()) {
    const versions = section[name];
    out[name] = {};
    for (const v of sortVersions(Object.keys(versions))) out[name][v] = ordered(versions[v], ENTRY_KEYS);
  }
  return out;
}
