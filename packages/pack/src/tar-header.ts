import { Header, Pax } from 'tar';
import type { TreeEntry } from './tree-entry';

const TYPE = { dir: 'Directory', file: 'File', symlink: 'SymbolicLink' } as const;

/** Size of a tar block: headers are one block, file data is padded to a whole number of blocks. */
export const BLOCK = 512;

/**
 * Pure: the header block(s) for one entry, stored under `<prefix>/<path>`. Every field that could
 * differ between machines is fixed: uid/gid 0, empty user and group names, the given mtime (seconds).
 * Long or non-ASCII names and link targets get a pax extended header in front, as GNU tar does.
 */
export function encodeHeader(entry: TreeEntry | { type: 'dir'; path: ''; mode: 0o755 }, prefix: string, mtime: number): Buffer {
  const path = entry.path ? `${prefix}/${entry.path}` : prefix;
  const fields = {
    path: entry.type === 'dir' ? `${path}/` : path,
    mode: entry.mode,
    uid: 0,
    gid: 0,
    size: entry.type === 'file' ? entry.size : 0,
    mtime: new Date(mtime * 1000),
    type: TYPE[entry.type],
    linkpath: entry.type === 'symlink' ? entry.target : '',
    uname: '',
    gname: '',
  };
  const block = Buffer.alloc(BLOCK);
  const needPax = new Header(fields).encode(block);
  if (!needPax) return block;
  const pax = new Pax({ path: fields.path, mtime: fields.mtime, ...(entry.type === 'symlink' ? { linkpath: entry.target } : {}) }).encode();
  return Buffer.concat([pax, block]);
}
