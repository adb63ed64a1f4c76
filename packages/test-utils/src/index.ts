export { testdir, writeFixtures, type FixtureFile } from './testdir';
export { nxWorkspace, REPO_ROOT, type NxWorkspace, type RunResult, type NxWorkspaceOptions } from './nx-workspace';
export { tarBytes, tgzBytes, type RawTarEntry } from './tar-bytes';
export { httpServer } from './http-server';
export { gpgTestKey, sshTestKey, forgeTag, type GpgTestKey, type SshTestKey } from './signing-keys';
export { treeHash } from './tree-hash';
