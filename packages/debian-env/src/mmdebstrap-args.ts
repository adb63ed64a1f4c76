import { sourceLine } from './apt-sources';
import type { AptSource, LockedPackage } from './types';

/** dpkg-query format of the installed-package report: status, name, version, architecture. */
export const DPKG_QUERY_FORMAT = '${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n';

/** apt settings of every run: no translations to download, never Recommends (lean, and exactly the lock). */
const APT_OPTIONS = ['--aptopt=Acquire::Languages "none"', '--aptopt=APT::Install-Recommends "false"'];

/**
 * Shell run as the last customize hook: drops what differs between build hosts (resolv.conf,
 * hostname, the mirror URLs in sources.list, mmdebstrap's own config) and what a read-only
 * runtime never reads (manuals, info pages, translations, lintian overrides, documentation except
 * the copyright files, which the licences require). `$1` is the root filesystem.
 */
export const LEAN_HOOK = [
  'rm -f "$1/etc/resolv.conf" "$1/etc/hostname" "$1/etc/apt/sources.list" "$1/etc/apt/apt.conf.d/99mmdebstrap" "$1/etc/dpkg/dpkg.cfg.d/99mmdebstrap"',
  'rm -rf "$1/usr/share/man" "$1/usr/share/info" "$1/usr/share/locale" "$1/usr/share/lintian" "$1/usr/share/linda"',
  'if [ -d "$1/usr/share/doc" ]; then find "$1/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete; find "$1/usr/share/doc" -mindepth 1 -type d -empty -delete; fi',
  'rm -f "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old',
].join('; ');

/** Pure: single-quotes `s` for sh (`'it'\''s'`). Only for host paths we created ourselves. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface BuildCommand {
  arch: string;
  suite: string;
  sources: readonly AptSource[];
  /** Every package of the environment, installed as `name=version`. */
  packages: readonly LockedPackage[];
  /** Host folder of `.deb` files copied into apt's archive folder before downloading (the cache). */
  debsIn: string;
  /** Host folder receiving every `.deb` the build used, for verification and the cache. */
  debsOut: string;
  /** Host file receiving dpkg's report of what is installed. */
  statusFile: string;
}

/**
 * Pure: mmdebstrap's argv for building an environment from its lock, written as a tar stream to
 * stdout. Choices, each for a reason:
 *
 * - `--mode=unshare`: mount and pid namespaces even as root, so an interrupted build leaves no
 *   mounts behind on the host; as a normal user it also maps ownership (needs /etc/subuid);
 * - `--variant=custom` with every locked package as `name=version`: nothing is chosen by the
 *   mirror, not even the essential set (the `essential` variant would take the newest libc6);
 * - `--skip=essential/unlink` and the sync hooks: downloaded `.deb`s come back out for checking
 *   against the lock's sha256 and for the cache; cached ones go in so apt does not download them;
 * - maintainer scripts run (dpkg installs, not unpacks), so alternatives, ldconfig and
 *   byte-compiled Python exist; `force-unsafe-io` because a crashed build is thrown away anyway;
 * - `--skip=output/dev`: no device nodes in the stream (the sandbox provides `/dev`).
 *
 * `SOURCE_DATE_EPOCH` is passed in the environment, not here.
 */
export function mmdebstrapBuildArgs(cmd: BuildCommand): string[] {
  return [
    '--mode=unshare', '--variant=custom', '--format=tar', `--architectures=${cmd.arch}`,
    `--include=${cmd.packages.map((p) => `${p.name}=${p.version}`).join(',')}`,
    ...APT_OPTIONS, '--dpkgopt=force-unsafe-io',
    '--skip=essential/unlink', '--skip=output/dev',
    '--setup-hook=mkdir -p "$1/var/cache/apt/archives"',
    `--setup-hook=sync-in ${cmd.debsIn} /var/cache/apt/archives/`,
    `--customize-hook=dpkg-query --admindir="$1/var/lib/dpkg" -W -f '${DPKG_QUERY_FORMAT}' > ${shellQuote(cmd.statusFile)}`,
    `--customize-hook=sync-out /var/cache/apt/archives ${cmd.debsOut}`,
    `--customize-hook=${LEAN_HOOK}`,
    cmd.suite, '-', ...cmd.sources.map(sourceLine),
  ];
}

export interface ResolveCommand {
  arch: string;
  suite: string;
  sources: readonly AptSource[];
  /** The manifest's package names; the essential set is added. */
  packages: readonly string[];
  /** Host folder receiving the resolved `.deb` files. */
  debsOut: string;
  /** Host file receiving the `Codename:` and `Date:` lines of every archive's Release file. */
  releaseFile: string;
}

/**
 * Pure: mmdebstrap's argv for resolving a lock: apt picks the essential set plus the requested
 * packages and their hard dependencies, downloads them and unpacks them without running anything
 * (`--variant=extract`), so any architecture resolves on any machine (`--skip=check/qemu`). The
 * downloaded files are what the lock records; nothing is kept but them.
 */
export function mmdebstrapResolveArgs(cmd: ResolveCommand): string[] {
  return [
    '--mode=unshare', '--variant=extract', '--format=null', `--architectures=${cmd.arch}`, '--skip=check/qemu',
    '--include=?essential', `--include=${cmd.packages.join(',')}`,
    ...APT_OPTIONS,
    `--extract-hook=sync-out /var/cache/apt/archives ${cmd.debsOut}`,
    `--extract-hook=grep -H -E '^(Codename|Date):' "$1"/var/lib/apt/lists/*Release > ${shellQuote(cmd.releaseFile)}`,
    cmd.suite, '/dev/null', ...cmd.sources.map(sourceLine),
  ];
}

/**
 * Pure: `{ codename: ISO date }` from the `grep -H` lines of the Release files
 * (`<file>:Codename: bookworm`, `<file>:Date: Sat, 11 Jul 2026 10:16:37 UTC`).
 */
export function parseReleaseDates(text: string): Record<string, string> {
  const byFile = new Map<string, { codename?: string; date?: string }>();
  for (const line of text.split('\n')) {
    const m = /^(.*?):(Codename|Date):\s*(.+)$/.exec(line);
    if (!m) continue;
    const entry = byFile.get(m[1]) ?? {};
    if (m[2] === 'Codename') entry.codename = m[3].trim();
    else entry.date = m[3].trim();
    byFile.set(m[1], entry);
  }
  const out: Record<string, string> = {};
  for (const { codename, date } of byFile.values()) {
    const time = date ? Date.parse(date) : NaN;
    if (codename && !Number.isNaN(time)) out[codename] = new Date(time).toISOString().replace(/\.000Z$/, 'Z');
  }
  return out;
}

/**
 * Pure: what went wrong in a failed mmdebstrap run, from its output: a locked version the mirror
 * no longer serves (apt: `Version '…' for '…' was not found`), a package it does not know at all,
 * or `undefined` when the output names neither.
 */
/**
 * Pure: whether mmdebstrap failed in its own hook channel (the helper inside the namespace and the
 * listener outside lost each other: "hookhelper failed: expected okthx but got: error") rather than
 * on the packages. Seen twice on this project's 2-core builders under heavy load, each time on an
 * unchanged lock whose next build succeeded byte-identical; the listener's reason is only printed at
 * debug level, so the build retries once instead of guessing.
 */
export function isHookChannelFailure(output: string): boolean {
  return /hookhelper failed: .*expected okthx but got: error/.test(output) && unavailablePackages(output).length === 0;
}

export function unavailablePackages(output: string): Array<{ name: string; version?: string }> {
  const found: Array<{ name: string; version?: string }> = [];
  for (const m of output.matchAll(/Version '([^']+)' for '([^']+)' was not found/g)) found.push({ name: m[2], version: m[1] });
  for (const m of output.matchAll(/Unable to locate package ([^\s'"]+)/g)) found.push({ name: m[1] });
  const seen = new Set<string>();
  return found.filter((f) => {
    const key = `${f.name}=${f.version ?? ''}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
