export type { AssetInfo, GitHubApi, ReleaseInfo, ReleasePatch } from './github-api';
export { createGitHubApi, type GitHubApiOptions, type GitHubTiming } from './octokit-github-api';
export { githubSettingsFromEnv, parseRepository, type GitHubSettings } from './github-settings';
export { FakeGitHubApi, type FakeCall } from './fake-github-api';
