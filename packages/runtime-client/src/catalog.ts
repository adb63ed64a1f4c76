import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { latestVersion, shortList, sortVersions, type RegistryEntry } from '@runway/registry';
import type { LoadedRegistry } from './load-registry';

/** One runtime as the client sees it: its versions from the first registry that lists it. */
export interface CatalogRuntime {
  name: string;
  from: LoadedRegistry;
  versions: Record<string, RegistryEntry>;
}

/**
 * Merges registries in priority order: for each runtime name the first registry listing it wins
 * and supplies all its versions (versions are never mixed across registries, so a checksum always
 * comes from the registry that published it).
 */
export function buildCatalog(registries: LoadedRegistry[]): Map<string, CatalogRuntime> {
  const catalog = new Map<string, CatalogRuntime>();
  for (const from of registries) {
    for (const [name, versions] of Object.entries(from.registry.runtimes)) {
      if (!catalog.has(name) && Object.keys(versions).length > 0) catalog.set(name, { name, from, versions });
    }
  }
  return catalog;
}

/** Summary for `runway runtime list --json`: versions in semver order and the platform-independent latest. */
export interface RuntimeSummary {
  name: string;
  versions: string[];
  latest: string | null;
  registry: string;
}

export function summarizeCatalog(catalog: Map<string, CatalogRuntime>): RuntimeSummary[] {
  return [...catalog.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((r) => ({ name: r.name, versions: sortVersions(Object.keys(r.versions)), latest: latestVersion(r.versions) ?? null, registry: r.from.label }));
}

export function findRuntime(catalog: Map<string, CatalogRuntime>, name: string): CatalogRuntime {
  const found = catalog.get(name);
  if (found) return found;
  const names = [...catalog.keys()].sort();
  throw new UserError(`runtime "${escapeText(name, 80)}" is not in any configured registry`, {
    hint: names.length > 0 ? `available runtimes: ${shortList(names)}` : 'the registries are empty',
  });
}

/** Splits `name[@version]`; the version defaults to `latest`. */
export function parseRuntimeSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf('@');
  if (at <= 0) return { name: spec, version: 'latest' };
  return { name: spec.slice(0, at), version: spec.slice(at + 1) || 'latest' };
}
