import type { Registry, RegistryEntry } from './types';
import { sortVersions } from './versions';

const ENTRY_KEYS = ['version', 'description', 'download_url', 'checksum', 'size', 'platforms', 'published_at', 'deprecated'];
const HEADER_KEYS = ['version', 'updated_at', 'runtimes'];

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
 * Canonical `registry.json` text: runtime names sorted, versions in semver order (1.9.0 before
 * 1.10.0), entry fields in a fixed order, 2-space indent, final newline. Comment keys such as
 * Joblet's `_comment` stay on top in their original order, so a release diff is just the new entry.
 */
export function serializeRegistry(registry: Registry): string {
  const runtimes: Record<string, Record<string, RegistryEntry>> = {};
  for (const name of Object.keys(registry.runtimes).sort()) {
    const versions = registry.runtimes[name];
    runtimes[name] = {};
    for (const v of sortVersions(Object.keys(versions))) runtimes[name][v] = ordered(versions[v], ENTRY_KEYS);
  }
  const comments = Object.keys(registry).filter((k) => k.startsWith('_'));
  return `${JSON.stringify(ordered({ ...registry, runtimes }, HEADER_KEYS, comments), null, 2)}\n`;
}
