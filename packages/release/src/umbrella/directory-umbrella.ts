import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { createHash } from 'node:crypto';
import { publishFiles, releasePath } from '@runway/publisher-directory';
import { parseUmbrella, serializeUmbrella, UMBRELLA_FILE } from './umbrella-document';
import type { UmbrellaTarget } from './umbrella-target';

/**
 * The umbrella in a directory registry: `<dir>/releases/download/<tag>/umbrella.json`, next to
 * the per-package folders, so a static host serves it like a GitHub release asset. A directory
 * has no tags of its own: only the release part of the decision applies. The folder appears in
 * one rename like a package release's; replacing (rolling tags) swaps the whole folder.
 */
export function directoryUmbrella(dir: string, workDir: string): UmbrellaTarget {
  const fileOf = (tag: string) => join(dir, releasePath(tag, UMBRELLA_FILE));
  return {
    async inspect(tag) {
      const text = await readFile(fileOf(tag), 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw mapFsError(err, `read ${fileOf(tag)}`);
      });
      if (text === undefined) return {};
      return { existing: { commit: parseUmbrella(text)?.commit, draft: false } };
    },
    async publish(publication, doc, { assets }) {
      const bytes = serializeUmbrella(doc);
      const path = join(workDir, UMBRELLA_FILE);
      await writeFile(path, bytes);
      try {
        await publishFiles(dir, doc.tag, [{ name: UMBRELLA_FILE, path, sha256: createHash('sha256').update(bytes).digest('hex') }, ...assets], { replace: publication.release !== 'create' });
      } finally {
        await rm(path, { force: true });
      }
      return fileOf(doc.tag);
    },
    fileUrl: (_tag, file) => file,
  };
}
