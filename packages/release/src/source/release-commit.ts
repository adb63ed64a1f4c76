import { UserError } from '@runway/errors';
import { commitDate, commitFiles, readFilesAt, type GitIdentity } from '@runway/git';
import { setManifestVersion } from './manifest-version';

/** The fixed author of release commits: with the parent's date it makes the commit sha reproducible. */
export const RELEASE_IDENTITY: GitIdentity = { name: 'runway-release', email: 'runway-release@users.noreply.github.com' };

/** The commit a bulk release builds from, and the manifests it changed. */
export interface ReleaseCommit {
  commit: string;
  /** Manifest paths whose version was changed; empty when `commit` is the tagged commit itself. */
  changed: string[];
}

/**
 * The release commit of a bulk `vX.Y.Z` release (decision 1): a child of `tagged` in which every
 * project's manifest says `version`, made with git plumbing on a private index (no working-tree,
 * index or HEAD change, so a dry run or Ctrl-C leaves nothing rewritten), by a fixed identity at
 * the parent's committer date, so a re-run makes the same commit sha. When every manifest already
 * says `version`, it is `tagged` itself. Only the `version:` value changes; every other byte of
 * each manifest is kept.
 * @throws UserError naming the file for a manifest missing from `tagged` or malformed YAML.
 */
export async function makeReleaseCommit(workspaceRoot: string, input: { tagged: string; projectRoots: readonly string[]; version: string; tag: string }): Promise<ReleaseCommit> {
  const paths = input.projectRoots.map((root) => `${root}/manifest.yaml`);
  const committed = await readFilesAt(workspaceRoot, input.tagged, paths);
  const files = paths.flatMap((path) => {
    const file = committed.get(path);
    if (!file) {
      throw new UserError(`${path} is not in commit ${input.tagged.slice(0, 12)}, the commit tagged ${input.tag}`, {
        hint: 'commit every project before tagging the umbrella release',
      });
    }
    const content = setManifestVersion(file.content, input.version, path);
    return content === file.content ? [] : [{ path, content, mode: file.mode as '100644' | '100755' }];
  });
  if (files.length === 0) return { commit: input.tagged, changed: [] };
  const commit = await commitFiles(workspaceRoot, {
    parent: input.tagged,
    files,
    message: `release ${input.tag}: every manifest at ${input.version}\n\nMade by Runway for the bulk release ${input.tag}; the per-project tags <name>@${input.version} point here.`,
    identity: RELEASE_IDENTITY,
    date: await commitDate(workspaceRoot, input.tagged),
  });
  return { commit, changed: files.map((f) => f.path) };
}
