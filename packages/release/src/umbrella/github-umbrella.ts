import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pushTagAt, remoteTagCommit } from '@runway/git';
import type { Logger } from '@runway/log';
import { publishRelease, type GitHubApi } from '@runway/publisher-github';
import { TRUST_FILES } from '@runway/trust';
import { parseUmbrella, renderUmbrellaBody, serializeUmbrella, UMBRELLA_FILE } from './umbrella-document';
import type { UmbrellaTarget } from './umbrella-target';
import { tagElsewhere } from '../targets/directory-target';

export interface GitHubUmbrellaOptions {
  api: GitHubApi;
  /** `owner/repo` and the web server: how a release asset's download URL is formed. */
  repository: string;
  serverUrl: string;
  /** The clone whose `origin` is the repository: the umbrella tag is pushed from here. */
  workspaceRoot: string;
  workDir: string;
  logger: Logger;
  remote?: string;
}

/**
 * The umbrella as one GitHub release through the one release publisher: tag pushed to the tagged
 * commit (moved, forced, only for replaceable tags), then this run's draft with `umbrella.json`,
 * published only complete; a replaced release is deleted just before its successor is published.
 */
export function githubUmbrella(options: GitHubUmbrellaOptions): UmbrellaTarget {
  const { api, workspaceRoot, logger } = options;
  const remote = options.remote ?? 'origin';
  return {
    async inspect(tag) {
      const [tagSha, release] = await Promise.all([remoteTagCommit(workspaceRoot, remote, tag), api.getPublishedRelease(tag)]);
      const asset = release?.assets.find((a) => a.name === UMBRELLA_FILE);
      const commit = asset ? parseUmbrella((await api.downloadAsset(asset)).toString('utf8'))?.commit : undefined;
      return { tagSha, existing: release ? { draft: false, commit } : undefined };
    },

    async publish(publication, doc, { prerelease, makeLatest, assets }) {
      const { tag, commit } = doc;
      if (publication.tag !== 'keep') {
        const pushed = await pushTagAt(workspaceRoot, remote, tag, commit, { force: publication.tag === 'move' });
        if (pushed !== 'pushed' && pushed.existing !== commit) throw tagElsewhere(tag, pushed.existing, commit, `on ${remote}`);
        logger.info(`pushed tag ${tag} → ${commit.slice(0, 12)} to ${remote}`);
      }
      const bytes = serializeUmbrella(doc);
      const path = join(options.workDir, UMBRELLA_FILE);
      await writeFile(path, bytes);
      try {
        const outcome = await publishRelease(api, {
          tag, commit, name: tag, body: renderUmbrellaBody(doc), prerelease, makeLatest, replace: publication.release !== 'create',
          assets: [
            { name: UMBRELLA_FILE, path, sha256: createHash('sha256').update(bytes).digest('hex'), size: Buffer.byteLength(bytes), contentType: 'application/json' },
            ...assets.map((file) => ({ ...file, contentType: contentTypeOf(file.name) })),
          ],
        }, logger);
        return outcome.release.htmlUrl;
      } finally {
        await rm(path, { force: true });
      }
    },
    fileUrl: (tag, file) => `${options.serverUrl}/${options.repository}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(file)}`,
  };
}

/** The trust files are text; an RC's other assets are packages, SBOMs and JSON documents. */
function contentTypeOf(name: string): string {
  if ((Object.values(TRUST_FILES) as string[]).includes(name)) return 'text/plain';
  return name.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}
