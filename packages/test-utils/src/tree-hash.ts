import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * A hash of everything a release could change in a clone: every file of the working tree (path,
 * mode, bytes or link target; `.git` aside) plus git's refs, HEAD and the index's entries. Loose
 * objects are left out: unreferenced, they change nothing anyone can see.
 */
export async function treeHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir)).filter((n) => !(dir === root && n === '.git')).sort();
    for (const name of entries) {
      const path = join(dir, name);
      const stats = await lstat(path);
      hash.update(`${path}\0${stats.mode}\0`);
      if (stats.isDirectory()) await walk(path);
      else if (stats.isSymbolicLink()) hash.update(await readlink(path));
      else hash.update(await readFile(path));
    }
  };
  await walk(root);
  const git = async (args: string[]) => (await execa('git', args, { cwd: root, reject: false })).stdout;
  hash.update(await git(['for-each-ref', '--format=%(refname) %(objectname)']));
  hash.update(await git(['symbolic-ref', '-q', 'HEAD']));
  hash.update(await git(['rev-parse', 'HEAD']));
  hash.update(await git(['ls-files', '--stage']));
  return hash.digest('hex');
}
