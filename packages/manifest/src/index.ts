export type { Issue, Manifest, ManifestInput, ManifestResult, ProjectFile, ProjectKind } from './types';
export { isValidName, isValidVersion, describeVersionProblem, KNOWN_PLATFORMS, NAME_PATTERN, VERSION_PATTERN } from './rules';
export { parseManifest, type ParseManifestOptions } from './parse-manifest';
export { checkProjectFiles } from './check-files';
export { kindOfProject } from './project-kind';
export { formatIssues } from './format-issues';
