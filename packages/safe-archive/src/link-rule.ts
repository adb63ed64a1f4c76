// The one rule for what may stand in a package, shared by the packer (which refuses to write
// what the extractor would refuse) and the extractor: two copies of it drifted once, and a
// package the packer accepted was then uninstallable.

/**
 * Splits an archive path into safe segments, or says why it is unsafe. Leading `./` is allowed;
 * absolute paths, `..` anywhere, NUL bytes and paths outside `<topLevel>/` are not.
 */
export function checkEntryPath(raw: string, topLevel: string): { segments: string[] } | { problem: string } {
  if (raw.includes('\0')) return { problem: `entry "${raw}" has a NUL byte in its name` };
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw) || raw.startsWith('\\')) return { problem: `entry "${raw}" has an absolute path` };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { problem: `entry "${raw}" escapes with ".."` };
  if (segments.length > 0 && segments[0] !== topLevel) {
    return { problem: `entry "${raw}" is outside the top-level folder "${topLevel}/" (a package holds exactly one folder named after the runtime)` };
  }
  return { segments };
}

/**
 * Whether a symlink at `linkSegments` with `target` stays inside `<topLevel>/`. Targets may only
 * climb (`../`) before descending, never after: then every step lands on a real directory or on
 * another link checked the same way, so no chain of links can leave the folder.
 */
export function symlinkStaysInside(linkSegments: string[], target: string): boolean {
  if (target === '' || target.startsWith('/') || target.includes('\0')) return false;
  const parts = target.split('/').filter((s) => s !== '' && s !== '.');
  const firstNormal = parts.findIndex((p) => p !== '..');
  const ups = firstNormal === -1 ? parts.length : firstNormal;
  if (parts.slice(ups).includes('..')) return false;
  // linkSegments[0] is the top-level folder: climbing to it is fine, above it leaves the runtime.
  return linkSegments.length - 1 - ups >= 1;
}
