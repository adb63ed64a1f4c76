export { runGit, type GitCallOptions } from './run-git';
export { headSha, currentBranch, fetchBranchTip, readFileAt } from './refs';
export { commitFile, type CommitFileInput, type GitIdentity } from './commit-file';
export { pushCommit, isRejectedPush } from './push';
export { localTagExists, remoteTagExists, createAnnotatedTag, pushTag, deleteLocalTag } from './tags';
export { worktreeChanges, classifyBranchSync, compareCommits, remoteDefaultBranch, repositoryRoot, trackedFiles, type BranchSync } from './worktree-status';
export { listTrackedEntries, ignoredByGit, openBlobReader, readBlobs, type TrackedEntry, type TrackedSource, type GitFileMode, type BlobReader } from './tracked-files';
