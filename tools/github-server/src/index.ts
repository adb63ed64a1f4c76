export { startGitHubServer, type GitHubServer, type GitHubServerOptions, type RequestRecord } from './github-server';
export { type FaultPlan, type FaultKind, type LostResponse, faultInjector } from './fault-plan';
export { BareRepo, GitCommandError, type CommitInput, type RefEntry } from './bare-repo';
export { ServerState, type StoredRelease, type StoredAsset, type MakeLatest } from './server-state';
export { specVersion } from './openapi-validator';
