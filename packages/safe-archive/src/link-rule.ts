// The one rule for what may stand in a package, shared by the packer (which refuses to write
// what the extractor would refuse) and the extractor: two copies of it drifted once, and a
// package the packer accepted was then uninstallable.
import { escapeText } from '@runway/log';

/** Linux's PATH_MAX: a longer path cannot be passed to a system call, so no entry may have one. */
export const MAX_PATH_BYTES = 4096;
/** Linux's NAME_MAX: the longest single file name. */
export const MAX_NAME_BYTES = 255;

/** An entry path as it may appear in a message: escaped, and cut short when a hostile one is huge. */
export function showPath(raw: string): string {
  return escapeText(raw, 300);
}

/**
 * Splits an archive path into safe segments, or says why it is unsafe. Leading `./` is allowed;
 * absolute paths, `..` anywhere, NUL bytes, paths outside `<topLevel>/`, paths longer than
 * `MAX_PATH_BYTES` and names longer than `MAX_NAME_BYTES` are not. Problems quote the path escaped.
 */
export function checkEntryPath(raw: string, topLevel: string): { segments: string[] } | { problem: string } {
  const shown = showPath(raw);
  if (raw.includes('\0')) return { problem: `entry "${shown}" has a NUL byte in its name` };
  if (Buffer.byteLength(raw) > MAX_PATH_BYTES) return { problem: `entry "${shown}" is longer than ${MAX_PATH_BYTES} bytes` };
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw) || raw.startsWith('\\')) return { problem: `entry "${shown}" has an absolute path` };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { problem: `entry "${shown}" escapes with ".."` };
  if (segments.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES)) return { problem: `entry "${shown}" has a name longer than ${MAX_NAME_BYTES} bytes` };
  if (segments.length > 0 && segments[0] !== topLevel) {
    return { problem: `entry "${shown}" is outside the top-level folder "${showPath(topLevel)}/" (a package holds exactly one folder named after the runtime)` };
  }
  return { segments };
}

/**
 * Whether a symlink at `linkSegments` with `target` stays inside `<topLevel>/`. Targets may only
 * climb (`../`) before descending, never after: then every step lands on a real directory or on
 * another link checked the same way, so no chain of links can leave the folder. A target of
 * `MAX_PATH_BYTES` or more cannot be created at all, so it never counts as inside.
 */
export function symlinkStaysInside(linkSegments: string[], target: string): boolean {
  if (target === '' || target.startsWith('/') || target.includes('\0') || Buffer.byteLength(target) >= MAX_PATH_BYTES) return false;
  const parts = target.split('/').filter((s) => s !== '' && s !== '.');
  const firstNormal = parts.findIndex((p) => p !== '..');
  const ups = firstNormal === -1 ? parts.length : firstNormal;
  if (parts.slice(ups).includes('..')) return false;
  // linkSegments[0] is the top-level folder: climbing to it is fine, above it leaves the runtime.
  return linkSegments.length - 1 - ups >= 1;
}
