import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTextAtomically } from '@runway/atomic-write';
import { parseUmbrella, serializeUmbrella, UMBRELLA_FILE } from './umbrella-document';
import type { UmbrellaTarget } from './umbrella-target';

/**
 * The umbrella in a directory registry: `<dir>/releases/download/<tag>/umbrella.json`, next to
 * the per-package folders, so a static host serves it like a GitHub release asset. A directory
 * has no git tags: only the release part of the decision applies, and replacing is a rewrite.
 */
export function directoryUmbrella(dir: string): UmbrellaTarget {
  const fileOf = (tag: string) => join(dir, 'releases', 'download', tag, UMBRELLA_FILE);
  return {
    async inspect(tag) {
      const text = await readFile(fileOf(tag), 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (text === undefined) return {};
      return { existing: { commit: parseUmbrella(text)?.commit, draft: false } };
    },
    async publish(_publication, doc) {
      const file = fileOf(doc.tag);
      await writeTextAtomically(file, serializeUmbrella(doc), { mkdirs: true });
      return file;
    },
  };
}
