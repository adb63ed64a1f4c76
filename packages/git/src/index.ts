export { runGit, type GitCallOptions } from './run-git';
export { headSha, currentBranch, fetchBranchTip, readFileAt } from './refs';
export { commitFile, type CommitFileInput, type GitIdentity } from './commit-file';
export { pushCommit, isRejectedPush } from './push';
