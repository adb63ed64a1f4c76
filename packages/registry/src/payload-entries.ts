import { addEntry } from './edit-registry';
import { ownValue } from './own-value';
import type { Registry, RegistryEntry } from './types';

/**
 * Adds a published payload version under the top-level `payloads` key (pure). Same rules as
 * `addEntry` for runtimes, through the same code: an identical version is `'unchanged'` (the
 * registry is returned as is), another checksum under a published version is refused.
 * Payloads live apart from `runtimes` so a Joblet client, which reads only `runtimes`, still
 * decodes the file and never offers a payload as an installable runtime.
 *
 * @throws UserError for an invalid name or entry, or a checksum conflict (naming both checksums).
 */
export function addPayloadEntry(registry: Registry, name: string, entry: RegistryEntry, now: Date): { registry: Registry; outcome: 'added' | 'unchanged' } {
  return addEntry(registry, name, entry, now, 'payloads');
}

/** Pure: the published versions of payload `name` (empty when it has none). */
export function payloadVersions(registry: Registry, name: string): Record<string, RegistryEntry> {
  return ownValue(registry.payloads, name) ?? {};
}
