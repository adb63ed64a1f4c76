export type { Deprecation, Registry, RegistryEntry, RegistryProblem } from './types';
export { parseRegistry } from './parse-registry';
export { serializeRegistry } from './serialize-registry';
export { addEntry, deprecateEntry, emptyRegistry, versionsOf, describeVersions } from './edit-registry';
export { resolveVersion } from './resolve-version';
export { readRegistry, writeRegistry } from './registry-file';
export { validateEntry, type SchemaIssue } from './validate-entry';
export { compareVersions, sortVersions, isSemver, isPrerelease, isDeprecated, latestVersion } from './versions';
export { timestamp } from './timestamp';
