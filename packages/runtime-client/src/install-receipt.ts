import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExtractedItem } from '@runway/safe-archive';

/** Written into every installed folder; `verify` compares the folder against it. */
export const RECEIPT_FILE = '.runway-install.json';

export interface InstallReceipt {
  format: 1;
  kind: 'runway-install';
  name: string;
  version: string;
  /** Checksum and size of the package the folder came from. */
  checksum: string;
  size: number;
  source: string;
  installed_at: string;
  /** The setup script that ran (its output is part of `files`), or null. */
  setup: string | null;
  files: ExtractedItem[];
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Lists a folder like the extractor does (paths relative to it, sorted, the receipt left out), so
 * a tree changed by a setup script can be recorded and an installed tree can be compared.
 */
export async function describeTree(root: string): Promise<ExtractedItem[]> {
  const items: ExtractedItem[] = [];
  async function walk(rel: string): Promise<void> {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (path === RECEIPT_FILE) continue;
      const full = join(root, path);
      const info = await lstat(full);
      const mode = info.mode & 0o777;
      if (info.isSymbolicLink()) items.push({ path, type: 'symlink', mode: 0o777, target: await readlink(full) });
      else if (info.isDirectory()) {
        items.push({ path, type: 'dir', mode });
        await walk(path);
      } else items.push({ path, type: 'file', mode, size: info.size, sha256: await sha256File(full) });
    }
  }
  await walk('');
  return items;
}

/** Differences between a recorded and a current tree, one readable line each. */
export function compareTrees(recorded: ExtractedItem[], current: ExtractedItem[]): string[] {
  const normal = (i: ExtractedItem) => JSON.stringify([i.type === 'hardlink' ? 'file' : i.type, i.type === 'symlink' ? 0o777 : i.mode, i.sha256, i.type === 'symlink' ? i.target : undefined]);
  const now = new Map(current.map((i) => [i.path, i]));
  const problems: string[] = [];
  for (const item of recorded) {
    const found = now.get(item.path);
    now.delete(item.path);
    if (!found) problems.push(`missing: ${item.path}`);
    else if (normal(found) !== normal(item)) {
      const what = found.sha256 !== item.sha256 ? 'content changed' : found.type !== item.type && item.type !== 'hardlink' ? `was a ${item.type}, now a ${found.type}` : found.target !== item.target && item.type === 'symlink' ? `link target changed to ${found.target}` : `mode changed from ${item.mode.toString(8)} to ${found.mode.toString(8)}`;
      problems.push(`modified: ${item.path} (${what})`);
    }
  }
  for (const path of now.keys()) problems.push(`unexpected: ${path}`);
  return problems;
}

export async function readReceipt(installDir: string): Promise<InstallReceipt | undefined> {
  try {
    const receipt = JSON.parse(await readFile(join(installDir, RECEIPT_FILE), 'utf8')) as InstallReceipt;
    return receipt.format === 1 && receipt.kind === 'runway-install' ? receipt : undefined;
  } catch {
    return undefined;
  }
}
