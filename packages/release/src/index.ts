export type { ReleaseTarget, ReleaseOptions, ReleaseOutcome, ReleaseAsset, ReleaseSource } from './types';
export { resolveReleaseTarget, type ReleaseTargetOverrides } from './resolve-release-target';
export { releaseProject, prepareRelease, type PreparedRelease } from './release-project';
export { sourceFromWorkingTree } from './source/working-tree';
export { readManifestVersion, setManifestVersion } from './source/manifest-version';
export { releaseUmbrella, type UmbrellaOptions, type UmbrellaProject, type UmbrellaResult } from './umbrella/release-umbrella';
export { publishRunenvImage, describePlan, type RunenvImageOptions, type PublishRunenvImageInput, type PublishRunenvImageOutcome } from './image/publish-runenv-image';
export type { Renderer } from './runner';
export { deprecateRelease, type DeprecateOptions, type DeprecateResult } from './deprecate/deprecate-release';
