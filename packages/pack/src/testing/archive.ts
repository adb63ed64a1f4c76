import { list } from 'tar';
import type { FixtureFile } from '@runway/test-utils';

/** A runtime's files: scripts with x bits, names that test the sort order, a path long enough for a pax header. */
export const runtimeFiles: Record<string, FixtureFile> = {
  'manifest.yaml': 'name: demo\nversion: 1.2.3\n',
  'setup.sh': { content: '#!/bin/sh\necho setup\n', mode: 0o755 },
  'setup-ubuntu-amd64.sh': { content: '#!/bin/sh\n', mode: 0o700 },
  'lib/B.txt': 'upper case sorts first\n',
  'lib/a.txt': 'a\n',
  'lib/a-b/c.txt': 'c\n',
  'lib/a.d/z.txt': 'z\n',
  [`deep/${'long-folder-name-'.repeat(8)}/file.txt`]: 'needs a pax header\n',
};

/** One archive entry as `tar` lists it, with the fields reproducibility fixes. */
export interface ListedEntry { path: string; type: string; mode: number; uid: number; gid: number; uname: string; gname: string; mtime: number; linkpath: string }

/** Lists a .tar.gz with the `tar` package (an independent reader of what the packer wrote). */
export async function listArchive(file: string): Promise<ListedEntry[]> {
  const entries: ListedEntry[] = [];
  await list({
    file,
    onReadEntry: (e) => {
      entries.push({
        path: e.path, type: e.type, mode: e.mode ?? -1, uid: e.uid ?? -1, gid: e.gid ?? -1,
        uname: e.uname ?? '', gname: e.gname ?? '', mtime: (e.mtime?.getTime() ?? -1) / 1000, linkpath: e.linkpath ?? '',
      });
    },
  });
  return entries;
}
