import { writeFileAtomically } from '@runway/atomic-write';

/** Pure: one line in `sha256sum` format (`<hex>  <file name>\n`, two spaces = binary-agnostic text mode). */
export function formatChecksumLine(sha256: string, fileName: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`not a sha256 hex digest: ${sha256}`);
  return `${sha256}  ${fileName}\n`;
}

/** Writes `<path>` holding the checksum line for `fileName`, atomically; `sha256sum -c` accepts it. */
export async function writeChecksumFile(path: string, sha256: string, fileName: string): Promise<void> {
  const line = formatChecksumLine(sha256, fileName);
  await writeFileAtomically(path, (file) => file.writeFile(line));
}
