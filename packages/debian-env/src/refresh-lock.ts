import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import type { Manifest } from '@runway/manifest';
import { sha256File } from '@runway/file-hash';
import { defaultSources } from './apt-sources';
import { debFileName } from './check-lock';
import { debCacheDir } from './deb-cache-dir';
import { definitionFromManifest } from './environment-definition';
import { hookFolder, requireTool, runTool } from './host-tools';
import { lockPathOf, readRuntimeManifest, writeLock } from './lock-file';
import { LOCK_KIND, LOCK_VERSION, parseLock, sortPackages } from './lock-format';
import { mmdebstrapResolveArgs, parseReleaseDates, unavailablePackages } from './mmdebstrap-args';
import { debianArchOf, type DebianPlatform } from './platforms';
import type { AptSource, DebianLock, LockedPackage, LockedPlatform } from './types';

export interface RefreshLockOptions {
  /** The runtime folder: `manifest.yaml` in, `debian.lock.json` out. */
  projectDir: string;
  manifest?: Manifest;
  /** Platforms to resolve; default every prebuilt platform of the manifest. Others keep their entry. */
  platforms?: string[];
  /** Apt sources; default Debian's release, -updates and -security archives of the suite. */
  sources?: AptSource[];
  /** `.deb` cache the resolved files are kept in (the next build then downloads nothing). */
  cacheDir?: string;
  workDir?: string;
  logger?: Logger;
}

/** What a refresh changed, per platform. */
export interface LockChange {
  platform: string;
  added: string[];
  removed: string[];
  /** `name old → new`. */
  changed: string[];
}

export interface RefreshedLock {
  lock: DebianLock;
  file: string;
  /** `unchanged` when the lock already held exactly this (the file was not rewritten). */
  status: 'written' | 'unchanged';
  changes: LockChange[];
}

/**
 * Resolves one platform's package set the way apt would install it today: the essential set plus
 * the requested packages and their hard dependencies, no Recommends. Downloads every `.deb` (into
 * the cache too) and records name, version, architecture, sha256 and size, plus the Release dates
 * of the archives (snapshot.debian.org timestamps). Runs nothing from the packages, so every
 * architecture resolves on any machine with mmdebstrap.
 */
export async function resolvePlatform(options: { platform: DebianPlatform; suite: string; packages: string[]; sources: AptSource[]; cacheDir: string; workDir?: string; logger?: Logger }): Promise<LockedPlatform> {
  const { platform, suite, packages, sources, cacheDir } = options;
  const arch = debianArchOf(platform);
  await requireTool('mmdebstrap', 'resolve Debian packages');
  await requireTool('dpkg-deb', 'read package metadata');
  const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'runway-debian-lock-'));
  try {
    await chmod(work, 0o755);
    const hooks = await hookFolder(join(work, 'hooks'));
    const debsOut = await hookFolder(join(hooks, 'debs'));
    const releaseFile = join(hooks, 'release.txt');
    options.logger?.info(`${platform}: resolving ${packages.join(', ')} from ${suite} with mmdebstrap`);
    const run = await runTool('mmdebstrap', mmdebstrapResolveArgs({ arch, suite, sources, packages, debsOut, releaseFile }), {
      env: { ...process.env, TMPDIR: await hookFolder(join(work, 'mmdebstrap')), LC_ALL: 'C.UTF-8' },
    });
    if (run.exitCode !== 0) {
      const unknown = unavailablePackages(run.output);
      if (unknown.length > 0) {
        throw new UserError(`${suite} (${arch}) has no package ${unknown.map((u) => u.version ? `${u.name}=${u.version}` : u.name).join(', ')}`, {
          hint: 'check the names in "debian.packages" (apt-cache search <word> on a Debian machine, or https://packages.debian.org)',
        });
      }
      throw new UserError(`mmdebstrap could not resolve the ${platform} package set:\n${run.output.trim().split('\n').slice(-30).join('\n')}`, {
        hint: 'check that deb.debian.org is reachable and the package names exist in the suite',
      });
    }
    const snapshot = parseReleaseDates(await readFile(releaseFile, 'utf8').catch(() => ''));
    const files = (await readdir(debsOut)).filter((f) => f.endsWith('.deb')).sort();
    const locked: LockedPackage[] = [];
    await mkdir(cacheDir, { recursive: true });
    for (const file of files) {
      const path = join(debsOut, file);
      const show = await runTool('dpkg-deb', ['--show', '--showformat=${Package}\\t${Version}\\t${Architecture}', path]);
      const [name, version, architecture] = show.output.trim().split('\t');
      if (show.exitCode !== 0 || !name || !version || !architecture) throw new UserError(`cannot read ${file}: ${show.output.trim()}`, { hint: 'delete the .deb cache and refresh again' });
      const { sha256, size } = await sha256File(path);
      const pkg = { name, version, architecture, sha256, size };
      locked.push(pkg);
      const temp = join(cacheDir, `.${debFileName(pkg)}.${randomBytes(4).toString('hex')}.tmp`);
      await copyFile(path, temp);
      await rename(temp, join(cacheDir, debFileName(pkg)));
    }
    if (locked.length === 0) throw new UserError(`mmdebstrap resolved no packages for ${platform}`, { hint: 'check "debian.packages" in manifest.yaml' });
    const codenames = new Set(sources.map((s) => s.suite));
    return {
      architecture: arch,
      snapshot: Object.fromEntries(Object.entries(snapshot).filter(([codename]) => codenames.has(codename))),
      packages: sortPackages(locked),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Refreshes `<projectDir>/debian.lock.json` from the manifest: resolves each platform, keeps a
 * platform's previous entry (snapshot dates included) when its packages did not change, and
 * writes the file only when something did. A written lock changes what the environment holds, so
 * the runtime's version must be bumped before it is released again.
 */
export async function refreshLock(options: RefreshLockOptions): Promise<RefreshedLock> {
  const projectDir = resolve(options.projectDir);
  const manifest = options.manifest ?? await readRuntimeManifest(projectDir);
  const definition = definitionFromManifest(manifest, join(options.projectDir, 'manifest.yaml'));
  const platforms = (options.platforms ?? definition.platforms) as DebianPlatform[];
  for (const platform of platforms) {
    if (!definition.platforms.includes(platform)) {
      throw new UserError(`${platform} is not a prebuilt platform of ${definition.name} (it has ${definition.platforms.join(', ') || 'none'})`, { hint: 'add it to "platforms" in manifest.yaml first' });
    }
  }
  const file = lockPathOf(projectDir);
  const previous = await readFile(file, 'utf8').then((text) => parseLock(text, file), (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  const sources = options.sources ?? defaultSources(definition.suite);
  const cacheDir = options.cacheDir ?? debCacheDir(process.env, homedir());
  const entries: Record<string, LockedPlatform> = {};
  // A platform no longer listed is dropped; one not asked for keeps its entry (if the suite is the same).
  for (const platform of definition.platforms) {
    if (!platforms.includes(platform) && previous?.suite === definition.suite && previous.platforms[platform]) entries[platform] = previous.platforms[platform];
  }
  const changes: LockChange[] = [];
  for (const platform of platforms) {
    const fresh = await resolvePlatform({ platform, suite: definition.suite, packages: definition.packages, sources, cacheDir, workDir: options.workDir, logger: options.logger });
    const old = previous?.suite === definition.suite ? previous.platforms[platform] : undefined;
    const change = diffPackages(platform, old?.packages ?? [], fresh.packages);
    changes.push(change);
    const same = old && change.added.length === 0 && change.removed.length === 0 && change.changed.length === 0 && samePackages(old.packages, fresh.packages);
    entries[platform] = same ? old : fresh;
  }
  const lock: DebianLock = {
    version: LOCK_VERSION, kind: LOCK_KIND, suite: definition.suite, request: [...definition.packages].sort(), sources,
    platforms: Object.fromEntries(Object.keys(entries).sort().map((p) => [p, entries[p]])),
  };
  const status = await writeLock(projectDir, lock);
  return { lock, file, status, changes };
}

/** Pure: what changed between two package lists of one platform. */
export function diffPackages(platform: string, before: readonly LockedPackage[], after: readonly LockedPackage[]): LockChange {
  const old = new Map(before.map((p) => [p.name, p]));
  const now = new Map(after.map((p) => [p.name, p]));
  return {
    platform,
    added: [...now.keys()].filter((n) => !old.has(n)).sort(),
    removed: [...old.keys()].filter((n) => !now.has(n)).sort(),
    changed: [...now.values()].filter((p) => old.has(p.name) && old.get(p.name)!.version !== p.version).map((p) => `${p.name} ${old.get(p.name)!.version} → ${p.version}`).sort(),
  };
}

function samePackages(a: readonly LockedPackage[], b: readonly LockedPackage[]): boolean {
  const key = (list: readonly LockedPackage[]) => JSON.stringify(sortPackages(list).map((p) => [p.name, p.version, p.architecture, p.sha256, p.size]));
  return key(a) === key(b);
}
