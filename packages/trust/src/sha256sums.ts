import { UserError } from '@runway/errors';
import { toBytes } from './bytes';

/** One line of `SHA256SUMS`: a release asset's file name and the hex SHA-256 of its bytes. */
export interface Sha256Sum {
  name: string;
  sha256: string;
}

/** Bounds for reading: a release has a handful of assets; an umbrella a few hundred. */
const MAX_SUMS_BYTES = 1024 * 1024;
const MAX_SUMS_ENTRIES = 10_000;
const MAX_NAME_BYTES = 255;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Why `name` cannot be a release asset's name (a line of `SHA256SUMS`, a provenance subject), or
 * undefined when it can.
 */
export function assetNameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return 'is empty, "." or ".."';
  // A separator would let a line point `sha256sum -c` outside the release folder.
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator';
  // Control characters (newlines above all) would need sha256sum's escaping and could forge lines.
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains a control character';
  if (name !== name.trim()) return 'starts or ends with whitespace';
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `is longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

/** Byte order of the names, as `LC_ALL=C sort` gives. */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * `SHA256SUMS` text in the format of `sha256sum` (text mode): `<hex>  <name>` per line, names in
 * byte order, final newline, so `sha256sum -c SHA256SUMS` checks it in the release folder. Throws a
 * `UserError` for a name that could escape the folder or break the line format, and for duplicates.
 */
export function serializeSha256Sums(sums: readonly Sha256Sum[]): string {
  const seen = new Set<string>();
  for (const { name, sha256 } of sums) {
    const problem = assetNameProblem(name);
    if (problem) throw new UserError(`cannot list asset ${JSON.stringify(name)} in SHA256SUMS: the name ${problem}`, { hint: 'release assets are plain file names' });
    if (!HEX64.test(sha256)) throw new UserError(`cannot list asset "${name}" in SHA256SUMS: its sha256 is not 64 lowercase hex digits`);
    if (seen.has(name)) throw new UserError(`cannot list asset "${name}" in SHA256SUMS twice`, { hint: 'every asset of a release has its own name' });
    seen.add(name);
  }
  return [...sums].sort((a, b) => compareNames(a.name, b.name)).map((s) => `${s.sha256}  ${s.name}\n`).join('');
}

/**
 * Parses `SHA256SUMS` as Runway writes it, strictly: bounded size and count, `<64 lowercase hex>`,
 * two spaces, a plain file name, names sorted and unique, final newline. `source` names the file in
 * errors. Throws `UserError` naming the line; line content is only quoted when it is printable.
 */
export function parseSha256Sums(input: Uint8Array | string, source = 'SHA256SUMS'): Sha256Sum[] {
  const bytes = toBytes(input);
  if (bytes.length > MAX_SUMS_BYTES) throw new UserError(`${source} is over ${MAX_SUMS_BYTES} bytes`, { hint: 'it lists the assets of one release' });
  const text = Buffer.from(bytes).toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(Buffer.from(bytes))) throw new UserError(`${source} is not UTF-8 text`);
  if (text === '') throw new UserError(`${source} is empty`);
  if (!text.endsWith('\n')) throw new UserError(`${source} does not end with a newline`, { hint: 'the file is truncated or was not written by Runway' });
  const lines = text.slice(0, -1).split('\n');
  if (lines.length > MAX_SUMS_ENTRIES) throw new UserError(`${source} lists more than ${MAX_SUMS_ENTRIES} files`);
  const sums: Sha256Sum[] = [];
  for (const [index, line] of lines.entries()) {
    const at = `${source}:${index + 1}`;
    const match = /^([0-9a-f]{64}) {2}(.*)$/s.exec(line);
    if (!match) throw new UserError(`${at}: expected "<64 lowercase hex>  <file name>"`);
    const [, sha256, name] = match;
    const problem = assetNameProblem(name);
    if (problem) throw new UserError(`${at}: the file name ${problem}`);
    const previous = sums.at(-1);
    if (previous && compareNames(previous.name, name) >= 0) {
      throw new UserError(`${at}: "${name}" ${previous.name === name ? 'is listed twice' : `is out of order (after "${previous.name}")`}`, { hint: 'names are unique and sorted' });
    }
    sums.push({ name, sha256 });
  }
  return sums;
}
