import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError, writeTextAtomically } from '@runway/atomic-write';
import { createLocalTag, localTagCommits } from '@runway/git';
import type { Logger } from '@runway/log';
import { publishFiles, releasePath } from '@runway/publisher-directory';
import type { LocalAsset } from '../release-context';
import { RELEASE_NOTES, RELEASE_RECORD, tagElsewhere } from '../targets/directory-target';

/** A release as a store holds it: published or draft, and its files' names. */
export interface StoredRelease {
  draft: boolean;
  assets: string[];
}

/**
 * The releases and tags a promotion reads and writes, one per target kind. Reads never change
 * anything; every write converges when repeated (a re-run after a crash).
 */
export interface ReleaseStore {
  /** Where releases live, for messages. */
  readonly location: string;
  /** Read-only: every tag and the commit it names (annotated tags peeled). */
  tags(): Promise<Record<string, string>>;
  /** Read-only: the release of `tag`, or undefined. */
  release(tag: string): Promise<StoredRelease | undefined>;
  /** Read-only: the bytes of one file of the release `tag`. */
  download(tag: string, name: string): Promise<Buffer>;
  /** Points `tag` at `commit` (an existing tag at another commit is refused); `sign` makes it a signed tag instead. */
  createTag(tag: string, commit: string, sign: ((tag: string, commit: string) => Promise<void>) | undefined, logger: Logger): Promise<void>;
  /** Publishes exactly `assets` as the release `tag` of `commit`; identical content already there is success. */
  publish(tag: string, commit: string, assets: readonly LocalAsset[], options: { makeLatest: boolean; notes: string }, logger: Logger): Promise<void>;
}

/**
 * The directory registry's releases: `<dir>/releases/download/<tag>/`, published in one atomic
 * rename of a staged folder (`publishFiles`); tags are the clone's local tags, as for a release.
 */
export function directoryStore(dir: string, workspaceRoot: string): ReleaseStore {
  const folder = (tag: string) => join(dir, releasePath(tag));
  return {
    location: join(dir, 'releases', 'download'),
    // A directory registry has no tags of its own: the clone's are the release tags.
    tags: () => localTagCommits(workspaceRoot),
    async release(tag) {
      const names = await readdir(folder(tag)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw mapFsError(err, `read ${folder(tag)}`);
      });
      if (names === undefined) return undefined;
      // The record and the notes describe the release; they are no assets of it.
      return { draft: false, assets: names.filter((n) => !n.startsWith('.') && n !== RELEASE_RECORD && n !== RELEASE_NOTES).sort() };
    },
    download: (tag, name) => readFile(join(folder(tag), name)).catch((err) => { throw mapFsError(err, `read ${join(folder(tag), name)}`); }),
    async createTag(tag, commit, sign, logger) {
      if (sign) await sign(tag, commit);
      else {
        const made = await createLocalTag(workspaceRoot, tag, commit);
        if (made !== 'created' && made.existing !== commit) throw tagElsewhere(tag, made.existing, commit, 'in this clone');
      }
      logger.info(`tagged ${commit.slice(0, 12)} as ${tag}${sign ? ' (signed)' : ''}`);
    },
    async publish(tag, commit, assets, { notes }, logger) {
      const record = `${JSON.stringify({ version: 1, kind: 'runway-release', tag, commit }, null, 2)}\n`;
      const outcome = await publishFiles(dir, tag, [...assets], { record: { name: RELEASE_RECORD, content: record } });
      // The notes are no asset (never compared): written once, with the folder.
      if (outcome === 'published') await writeTextAtomically(join(folder(tag), RELEASE_NOTES), notes);
      logger.info(`${outcome === 'unchanged' ? 'kept' : 'published'} ${folder(tag)} (${assets.length} file(s))`);
    },
  };
}
