export type { AssetInfo, GitHubApi, ReleaseInfo, ReleasePatch } from './github-api';
export { createGitHubApi, type GitHubApiOptions, type GitHubTiming } from './octokit-github-api';
export { githubSettingsFromEnv, parseRepository, type GitHubSettings } from './github-settings';
export { ReleaseTagTakenError } from './map-error';
export { publishRelease, assetSha256, type LocalReleaseAsset, type ReleaseToPublish, type PublishOutcome } from './publish-release';
