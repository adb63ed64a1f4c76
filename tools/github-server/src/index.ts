export { startGitHubServer, type GitHubServer, type GitHubServerOptions } from './github-server';
export { type FaultPlan, type FaultKind, faultInjector } from './fault-plan';
export { ServerState, type StoredRelease, type StoredAsset, type StoredFile } from './server-state';
export { specVersion } from './openapi-validator';
