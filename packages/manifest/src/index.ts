export type { Issue, Manifest, ManifestInput, ManifestResult, ProjectFile, ProjectKind } from './types';
export { isValidName, isValidVersion, describeVersionProblem, KNOWN_PLATFORMS, NAME_PATTERN, VERSION_PATTERN } from './rules';
export { parseManifest, type ParseManifestOptions } from './parse-manifest';
export { checkProjectFiles } from './check-files';
export { readManifest, listProjectFiles, validateProject, kindOfProject } from './read-manifest';
export { formatIssues } from './format-issues';
