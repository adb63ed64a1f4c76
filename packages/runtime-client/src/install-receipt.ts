import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { sha256File } from '@runway/file-hash';
import { escapeText } from '@runway/log';
import { readLocalText, type ExtractedItem } from '@runway/safe-archive';

/** Written into every installed folder; `verify` compares the folder against it. */
export const RECEIPT_FILE = '.runway-install.json';

/** A receipt lists every entry of a runtime (200,000 at most) and its provenance (4 MiB at most). */
const MAX_RECEIPT_BYTES = 128 * 1024 * 1024;

/**
 * How an install was verified against the keys pinned for its registry, kept so that `verify`
 * can check the package again offline: the signed index that listed it, and the release's
 * provenance file exactly as fetched, whose signature names the package's sha256.
 */
export interface ReceiptTrust {
  index: { serial: number; expires: string; key_id: string };
  provenance: {
    key_id: string;
    /** The subject of the provenance that matched the package's sha256 (its asset name). */
    subject: string;
    /** The text of `provenance.intoto.jsonl`. */
    file: string;
  };
}

/**
 * Which artifact a folder was installed from: the source package (scripts; absent in receipts
 * older than prebuilt environments means the same) or one platform's prebuilt environment.
 */
export type ReceiptArtifact = { kind: 'source'; platform?: string } | { kind: 'prebuilt'; platform: string };

/** `source package` or `prebuilt environment for debian-amd64`, for messages. */
export function describeArtifact(artifact: ReceiptArtifact | undefined): string {
  return artifact?.kind === 'prebuilt' ? `prebuilt environment for ${escapeText(String(artifact.platform), 80)}` : 'source package';
}

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
  /** Every entry, the install folder itself (`.`) first: sha256 and size of files, modes, link targets. */
  files: ExtractedItem[];
  /** `registryId` of the registry it was installed from (absent in receipts older than the trust chain). */
  registry?: string;
  /** Present when keys were pinned for that registry and everything verified. */
  trust?: ReceiptTrust;
  /** The artifact installed (absent: the source package). `checksum` and `size` are that artifact's. */
  artifact?: ReceiptArtifact;
}

/** A receipt without its `files`: what the installer keeps in memory and returns. */
export type ReceiptHeader = Omit<InstallReceipt, 'files'>;

/** One entry of `files` as written: one line each, so a receipt can be written while extracting. */
function entryLine(item: ExtractedItem): string {
  return `\n    ${JSON.stringify(item)}`;
}

/** Entries are written in batches of about this many bytes. */
const ENTRIES_BATCH = 256 * 1024;

/**
 * The `files` of a receipt being collected in a scratch file as the extractor reports them, so
 * the installer's memory does not grow with the number of entries (a Debian environment has tens
 * of thousands). `writeReceipt` copies the file into the receipt.
 */
export class ReceiptEntries {
  private pending = '';
  private added = 0;
  private constructor(readonly path: string, private readonly file: FileHandle) {}

  /** Creates the scratch file, which must not exist yet. */
  static async create(path: string): Promise<ReceiptEntries> {
    return new ReceiptEntries(path, await open(path, 'wx', 0o600));
  }

  /** How many entries were added. */
  get count(): number {
    return this.added;
  }

  async add(item: ExtractedItem): Promise<void> {
    this.added++;
    this.pending += `,${entryLine(item)}`;
    if (this.pending.length >= ENTRIES_BATCH) await this.flush();
  }

  /** Writes what is pending and closes the file; the entries are then complete. */
  async close(): Promise<void> {
    await this.flush();
    await this.file.close();
  }

  private async flush(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    await this.file.write(text);
  }
}

/**
 * Writes a receipt into `target`: the header pretty-printed, then `files` one entry a line: in
 * memory, or the folder itself (`root`) followed by the entries collected on disk. Through an
 * exclusively created temporary file renamed over its name, so a link the package planted is
 * never followed.
 */
export async function writeReceipt(target: string, header: ReceiptHeader, files: readonly ExtractedItem[] | { root: ExtractedItem; rest: ReceiptEntries }): Promise<void> {
  // The header's text without its closing brace (stringify ends a non-empty object with "\n}"), then `files`.
  const head = `${JSON.stringify(header, null, 2).slice(0, -2)},\n  "files": [`;
  const inMemory = 'rest' in files ? [files.root] : files;
  await writeFileAtomically(join(target, RECEIPT_FILE), async (file) => {
    await file.write(`${head}${inMemory.map(entryLine).join(',')}`);
    if ('rest' in files) {
      for await (const chunk of createReadStream(files.rest.path)) await file.write(chunk as Buffer);
    }
    await file.write('\n  ]\n}\n');
  });
}

/** The entry of the install folder itself in a receipt: its mode matters (a group-writable folder lets others add files). */
export async function rootItem(root: string): Promise<ExtractedItem> {
  return { path: '.', type: 'dir', mode: (await lstat(root)).mode & 0o777 };
}

/**
 * Lists a folder like the extractor does (paths relative to it, sorted, the receipt left out, the
 * folder itself first as `.`), so a tree changed by a setup script can be recorded and an
 * installed tree can be compared.
 */
export async function describeTree(root: string): Promise<ExtractedItem[]> {
  const items: ExtractedItem[] = [await rootItem(root)];
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
      } else if (info.isFile()) items.push({ path, type: 'file', mode, size: info.size, sha256: `sha256:${(await sha256File(full)).sha256}` });
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
  // Receipts written before the folder itself was recorded say nothing about its mode.
  if (!recorded.some((i) => i.path === '.')) now.delete('.');
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
    // Bounded, and only a regular file: a FIFO planted under the name must not hang `verify`.
    receipt = JSON.parse(await readLocalText(join(installDir, RECEIPT_FILE), { maxBytes: MAX_RECEIPT_BYTES, what: 'the install receipt' }));
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
