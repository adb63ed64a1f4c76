import { gzipSync } from 'node:zlib';

/** One raw tar member for hostile fixtures: any path, type flag and mode, exactly as written. */
export interface RawTarEntry {
  path: string;
  /** ustar type flag: '0' file, '1' hardlink, '2' symlink, '3' char device, '4' block device, '5' dir, '6' fifo. */
  type?: string;
  mode?: number;
  content?: string | Buffer;
  linkpath?: string;
  /** Header size when it must differ from the content (e.g. a declared-size bomb). */
  size?: number;
}

function field(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value.slice(0, length), offset, length, 'utf8');
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  field(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

/**
 * Writes an uncompressed ustar archive byte by byte, so tests can build archives no well-behaved
 * packer would produce (`../` names, devices, setuid modes, links out of the tree).
 */
export function tarBytes(entries: RawTarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const content = Buffer.from(e.content ?? '');
    const header = Buffer.alloc(512);
    field(header, 0, 100, e.path);
    octal(header, 100, 8, e.mode ?? (e.type === '5' ? 0o755 : 0o644));
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, e.size ?? content.length);
    octal(header, 136, 12, 0);
    field(header, 156, 1, e.type ?? '0');
    field(header, 157, 100, e.linkpath ?? '');
    field(header, 257, 6, 'ustar\0');
    field(header, 263, 2, '00');
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** `tarBytes` gzipped: a `.tar.gz` as the installer downloads it. */
export function tgzBytes(entries: RawTarEntry[]): Buffer {
  return gzipSync(tarBytes(entries));
}
