import { UserError } from '@runway/errors';
import { pushTag, pushTagAt, remoteTagCommits } from '@runway/git';
import { publishRelease, type GitHubApi, type ReleaseInfo } from '@runway/publisher-github';
import { TRUST_FILES } from '@runway/trust';
import { tagElsewhere } from '../targets/directory-target';
import type { ReleaseStore } from './release-store';

/**
 * A GitHub repository's releases and its origin's tags. Tags are pushed with git (a signed tag is
 * made locally, then pushed; an unsigned one is pushed at its commit); releases go through the one
 * release publisher (`publishRelease`: this run's draft, filled, then published; identical content
 * already published is success).
 */
export function githubStore(api: GitHubApi, workspaceRoot: string, remote = 'origin'): ReleaseStore {
  const releases = new Map<string, Promise<ReleaseInfo | undefined>>();
  /** The published release of `tag`, else a draft of it; read once per run. */
  const releaseOf = (tag: string) => {
    let found = releases.get(tag);
    if (!found) {
      found = (async () => (await api.getPublishedRelease(tag)) ?? (await api.listReleasesForTag(tag)).find((r) => r.draft))();
      releases.set(tag, found);
    }
    return found;
  };
  return {
    location: `${api.repo.owner}/${api.repo.repo} releases`,
    tags: () => remoteTagCommits(workspaceRoot, remote),
    async release(tag) {
      const found = await releaseOf(tag);
      return found && { draft: found.draft, assets: found.assets.map((a) => a.name).sort() };
    },
    async download(tag, name) {
      const asset = (await releaseOf(tag))?.assets.find((a) => a.name === name);
      if (!asset) throw new UserError(`the release ${tag} has no asset ${name}`, { hint: 'it was changed while promoting: promote again' });
      return api.downloadAsset(asset);
    },
    async createTag(tag, commit, sign, logger) {
      if (sign) {
        await sign(tag, commit);
        await pushTag(workspaceRoot, remote, tag);
      } else {
        const pushed = await pushTagAt(workspaceRoot, remote, tag, commit);
        if (pushed !== 'pushed' && pushed.existing !== commit) throw tagElsewhere(tag, pushed.existing, commit, `on ${remote}`);
      }
      logger.info(`pushed tag ${tag} → ${commit.slice(0, 12)} to ${remote}${sign ? ' (signed)' : ''}`);
    },
    async publish(tag, commit, assets, { makeLatest, notes }, logger) {
      const outcome = await publishRelease(api, {
        tag, commit, name: tag, body: notes, prerelease: false, makeLatest,
        assets: assets.map((a) => ({ ...a, contentType: (Object.values(TRUST_FILES) as string[]).includes(a.name) ? 'text/plain' : 'application/octet-stream' })),
      }, logger);
      releases.delete(tag);
      logger.info(`${outcome.status} the release ${tag}: ${outcome.release.htmlUrl}`);
    },
  };
}
