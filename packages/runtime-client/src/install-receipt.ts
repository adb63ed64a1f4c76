import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
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
      } else if (info.isFile()) items.push({ path, type: 'file', mode, size: info.size, sha256: await sha256File(full) });
      // A FIFO or socket (a setup script may leave one) is never opened: reading it could block forever.
      else items.push({ path, type: 'file', mode, size: 0, sha256: 'not a regular file' });
    }
  }
  await walk('');
  return items;
}

/** Differences between a recorded and a current tree, one readable line each (paths from the package escaped). */
export function compareTrees(recorded: ExtractedItem[], current: ExtractedItem[]): string[] {
  const show = (path: string | undefined) => escapeText(path ?? '', 300);
  const normal = (i: ExtractedItem) => JSON.stringify([i.type === 'hardlink' ? 'file' : i.type, i.type === 'symlink' ? 0o777 : i.mode, i.sha256, i.type === 'symlink' ? i.target : undefined]);
  const now = new Map(current.map((i) => [i.path, i]));
  const problems: string[] = [];
  for (const item of recorded) {
    const found = now.get(item.path);
    now.delete(item.path);
    if (!found) problems.push(`missing: ${show(item.path)}`);
    else if (normal(found) !== normal(item)) {
      const what = found.sha256 !== item.sha256 ? 'content changed' : found.type !== item.type && item.type !== 'hardlink' ? `was a ${item.type}, now a ${found.type}` : found.target !== item.target && item.type === 'symlink' ? `link target changed to ${show(found.target)}` : `mode changed from ${item.mode.toString(8)} to ${found.mode.toString(8)}`;
      problems.push(`modified: ${show(item.path)} (${what})`);
    }
  }
  for (const path of now.keys()) problems.push(`unexpected: ${show(path)}`);
  return problems;
}

/**
 * The receipt of an install folder, or undefined when there is none or it is not one (wrong
 * format, missing fields): callers then treat the folder as not installed by runway.
 */
export async function readReceipt(installDir: string): Promise<InstallReceipt | undefined> {
  let receipt: Partial<InstallReceipt>;
  try {
    receipt = JSON.parse(await readFile(join(installDir, RECEIPT_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const valid = typeof receipt === 'object' && receipt !== null && receipt.format === 1 && receipt.kind === 'runway-install'
    && typeof receipt.name === 'string' && typeof receipt.version === 'string' && typeof receipt.checksum === 'string' && Array.isArray(receipt.files)
    && receipt.files.every((f) => typeof f?.path === 'string' && typeof f.type === 'string' && typeof f.mode === 'number');
  return valid ? (receipt as InstallReceipt) : undefined;
}

/**
 * Refuses to act on a folder whose receipt names another runtime or version: install, remove and
 * verify act only on what the receipt says was installed there. `done` completes "nothing was …".
 */
export function checkReceiptFor(path: string, receipt: InstallReceipt, name: string, version: string, done: string): void {
  if (receipt.name === name && receipt.version === version) return;
  throw new UserError(`${path} holds ${escapeText(receipt.name, 80)}@${escapeText(receipt.version, 80)} according to its install receipt, not ${name}@${version}; nothing was ${done}`, {
    hint: 'the folder was changed by hand or by another tool: inspect it, and delete it yourself if it is not needed',
  });
}
