export type { ReleaseTarget, ReleaseOptions, ReleaseOutcome, ReleaseAsset } from './types';
export { resolveReleaseTarget } from './resolve-release-target';
export { releaseProject } from './release-project';
