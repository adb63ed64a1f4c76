/**
 * Pure: the target a symlink of a root filesystem should have so that it resolves, inside the
 * `isolated/` folder, to what it means inside a chroot of that folder, without ever climbing above
 * the folder. Debian's trees are full of absolute links (`/etc/alternatives/libblas.so.3`, the
 * loader's `/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/...`); the client's extractor
 * refuses any link that could leave the runtime, and an absolute link would point into the host.
 *
 * `linkPath` is the link's path relative to the root filesystem, through real folders only (the
 * walk never follows links), so `..` from its folder is exactly its parent. Then:
 *
 * - an absolute target means the same path from the chroot's root: climb to the root with `../`,
 *   then descend as written (`usr/lib64/x -> /lib/y` becomes `../../lib/y`), which the kernel
 *   resolves through the same intermediate links as the absolute path would inside the chroot;
 * - a relative target already in the canonical form (some `..`, then names) that stays inside is
 *   kept byte for byte;
 * - anything else (`.` segments, `..` after a name, climbing above the root, which a chroot clamps
 *   at `/`) is normalised lexically first, as a chroot would resolve it when no intermediate
 *   component is itself a link (the only case where lexical and kernel resolution differ).
 *
 * The result always has the shape the client accepts: `../` repeated at most to the root, then
 * names, never `..` after a name and never an absolute path.
 */
export function chrootRelativeTarget(linkPath: string, target: string): string {
  const dir = linkPath.split('/').filter((s) => s !== '' && s !== '.').slice(0, -1);
  if (!target.startsWith('/') && isCanonicalInside(dir.length, target)) return target;

  const resolved = target.startsWith('/') ? [] : [...dir];
  const segments = target.split('/');
  const onlyNames = target.startsWith('/') && segments.every((s) => s !== '.' && s !== '..');
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') resolved.pop(); // at the root, `..` stays at the root, as in a chroot
    else resolved.push(segment);
  }
  if (onlyNames) {
    // Climb all the way up and descend as written: no shortcut through a common prefix, so every
    // intermediate link of the absolute path is followed exactly as the kernel would.
    const up = dir.map(() => '..');
    return [...up, ...resolved].join('/') || '.';
  }
  let common = 0;
  while (common < dir.length && common < resolved.length && dir[common] === resolved[common]) common++;
  const rel = [...dir.slice(common).map(() => '..'), ...resolved.slice(common)].join('/');
  return rel || '.';
}

/** Pure: whether a relative target is `../` repeated at most `depth` times, then plain names. */
function isCanonicalInside(depth: number, target: string): boolean {
  if (target === '') return false;
  const parts = target.split('/');
  if (parts.some((p) => p === '' || p === '.')) return false;
  const ups = parts.findIndex((p) => p !== '..');
  const climbs = ups === -1 ? parts.length : ups;
  return climbs <= depth && !parts.slice(climbs).includes('..');
}
