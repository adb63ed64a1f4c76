import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitHubApi, ReleaseInfo } from '@runway/publisher-github';
import { parseUmbrella, renderUmbrellaBody, serializeUmbrella, UMBRELLA_FILE } from './umbrella-document';
import type { UmbrellaTarget } from './umbrella-target';

/**
 * The umbrella as one GitHub release: tag ref at the released commit, body with the package table,
 * `umbrella.json` as its asset. Publishing goes draft → asset → published, so a visible umbrella
 * release is always complete; an interrupted run leaves a draft the next run replaces.
 */
export function githubUmbrella(api: GitHubApi): UmbrellaTarget {
  async function recordedCommit(release: ReleaseInfo): Promise<string | undefined> {
    const asset = release.assets.find((a) => a.name === UMBRELLA_FILE);
    return asset ? parseUmbrella((await api.downloadAsset(asset)).toString('utf8'))?.commit : undefined;
  }

  return {
    async inspect(tag) {
      const [ref, release] = await Promise.all([api.getTagRef(tag), api.findReleaseByTag(tag)]);
      return {
        tagSha: ref?.sha,
        existing: release ? { draft: release.draft, commit: await recordedCommit(release) } : undefined,
      };
    },

    async publish(publication, doc, { prerelease }) {
      const { tag, commit } = doc;
      if (publication.tag === 'create') await api.createTagRef(tag, commit);
      if (publication.tag === 'move') await api.updateTagRef(tag, commit, true);

      let release = await api.findReleaseByTag(tag);
      if (release && publication.release === 'replace') {
        await api.deleteRelease(release.id);
        release = undefined;
      }
      release ??= await api.createRelease({ tag, name: tag, body: renderUmbrellaBody(doc), draft: true, prerelease, targetCommitish: commit });

      const bytes = serializeUmbrella(doc);
      const old = release.assets.find((a) => a.name === UMBRELLA_FILE);
      // An identical asset is kept; a different one (same commit, packages re-released) is swapped.
      const keep = old !== undefined && (await api.downloadAsset(old)).toString('utf8') === bytes;
      if (old && !keep) await api.deleteAsset(old.id);
      if (!keep) {
        const dir = await mkdtemp(join(tmpdir(), 'runway-umbrella-'));
        try {
          await writeFile(join(dir, UMBRELLA_FILE), bytes);
          await api.uploadAsset(release, { name: UMBRELLA_FILE, path: join(dir, UMBRELLA_FILE), contentType: 'application/json' });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      const published = await api.updateRelease(release.id, { name: tag, body: renderUmbrellaBody(doc), draft: false, prerelease });
      return published.htmlUrl;
    },
  };
}
