export { testdir, writeFixtures, type FixtureFile } from './testdir';
export { nxWorkspace, REPO_ROOT, type NxWorkspace, type RunResult, type NxWorkspaceOptions } from './nx-workspace';
