export { runGit, git, GitCommandError, mapGitFailure, type GitCallOptions } from './run-git';
export { headSha, resolveCommit, commitDate, currentBranch, fetchBranchTip, readFileAt, readFilesAt, listFolderAt, type TreeEntry, type CommittedFile } from './refs';
export { commitFiles, type CommitFile, type CommitFilesInput, type GitIdentity } from './commit-files';
export { pushCommit, isRejectedPush } from './push';
export { localTagExists, localTagCommit, localTagCommits, remoteTagExists, remoteTagCommit, remoteTagCommits, createLocalTag, createAnnotatedTag, pushTag, pushTagAt, deleteLocalTag } from './tags';
export {
  worktreeChanges, hasRemote, remoteRefsContaining, classifyBranchSync, compareCommits, remoteDefaultBranch, repositoryRoot, trackedFiles, type BranchSync,
} from './worktree-status';
export { listTrackedEntries, ignoredByGit, openBlobReader, readBlobs, type TrackedEntry, type TrackedSource, type GitFileMode, type BlobReader } from './tracked-files';
