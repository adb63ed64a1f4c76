export { parseSemver, formatSemver, compareSemver, isStable, describeSemverProblem, type SemVer } from './semver';
export { parseReleaseRef, type ReleaseRef } from './release-ref';
export { computeImageTags, needsPublishedVersions, versionTags, publishedVersions, PUBLISH_EVENTS, type ImageTagsInput, type PublishEvent } from './image-tags';
export { publishedFromGitTags, type GitTagFacts } from './published-from-git-tags';
export { splitImageRepository, imageRepositories, type ImageRepository } from './image-name';
export { planImagePublish, type ImagePublishInput, type ImagePublishPlan, type PayloadImageSource } from './image-publish-plan';
export { projectReleaseTag, decideReleaseForRef, type RefDecision } from './project-release-tag';
export { umbrellaTrigger, isOverridableTag, decideUmbrellaPublication, DEFAULT_OVERRIDABLE_TAGS, type UmbrellaTrigger, type ExistingUmbrella, type UmbrellaPublicationInput, type UmbrellaPublication } from './umbrella-tags';
export { planRetag, type RetagPlan } from './retag-plan';
