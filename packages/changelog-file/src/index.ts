export { checkChangelogGateAt, releaseChangelogFile, readWorkspaceFile, type ChangelogGateAtInput, type ChangelogFileRelease } from './changelog-file';
