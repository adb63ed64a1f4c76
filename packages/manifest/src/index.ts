export type { DebianEnvironmentSpec, DebianMount, Issue, Manifest, ManifestInput, ManifestResult, ProjectFile, ProjectKind } from './types';
export { isValidName, isValidVersion, describeVersionProblem, KNOWN_PLATFORMS, NAME_PATTERN, VERSION_PATTERN } from './rules';
export { DEBIAN_LOCK_FILE, DEBIAN_PACKAGE_PATTERN, ENV_NAME_PATTERN, KNOWN_DEBIAN_SUITES, isCleanAbsolutePath, prebuiltPlatforms } from './rules';
export { parseManifest, type ParseManifestOptions } from './parse-manifest';
export { checkProjectFiles } from './check-files';
export { kindOfProject } from './project-kind';
export { formatIssues } from './format-issues';
