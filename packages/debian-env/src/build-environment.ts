import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import { DEBIAN_LOCK_FILE, type Manifest } from '@runway/manifest';
import { packTarball, parseSourceDateEpoch, writeChecksumFile, type PackedFile } from '@runway/pack';
import { findBwrap, runInRuntime } from '@runway/sandbox';
import { environmentFileName, environmentLockFileName } from './artifact-names';
import { EnvironmentCache, environmentCacheKey } from './build-cache';
import { assertLockFits } from './check-lock';
import { createRootfs, unpackKeptRootfs } from './create-rootfs';
import { debCacheDir } from './deb-cache-dir';
import { stageCachedDebs, verifyAndCacheDebs } from './deb-cache';
import { makeFilesDeterministic } from './deterministic-files';
import { definitionFromManifest } from './environment-definition';
import { describePlatformSupport, hookFolder, requireTool } from './host-tools';
import { readLock, readRuntimeManifest } from './lock-file';
import { serializeLock } from './lock-format';
import { normalizeRootfs } from './normalize-rootfs';
import { isDebianPlatform } from './platforms';
import { runtimeYmlFor, serializeRuntimeYml } from './runtime-yml';
import type { AptSource, DebianLock, EnvironmentDefinition } from './types';

/**
 * Bumped whenever the way a root filesystem is made changes (mmdebstrap options, hooks), so a
 * kept root filesystem (`rootfsCacheDir`) from an older recipe is never reused.
 */
export const ROOTFS_RECIPE = 1;

/** A smoke test that runs longer than this is killed and fails the build. */
const DEFAULT_SMOKE_TIMEOUT_MS = 10 * 60 * 1000;

export interface BuildEnvironmentOptions {
  /** The runtime folder: `manifest.yaml` and `debian.lock.json`. */
  projectDir: string;
  /** A prebuilt platform the manifest lists, e.g. `debian-amd64`; it must be buildable here. */
  platform: string;
  /** Where the tarball, its `.sha256` and its lock go. */
  outDir: string;
  /** The validated manifest; read from `projectDir` when omitted. */
  manifest?: Manifest;
  /** The lock; read from `projectDir` when omitted. */
  lock?: DebianLock;
  /** `SOURCE_DATE_EPOCH` (whole seconds): every mtime in the tarball and mmdebstrap's clamping. Default: `@runway/pack`'s fixed 1980-01-01. */
  sourceDateEpoch?: string | number;
  /** `.deb` cache; default {@link debCacheDir} of the environment. */
  cacheDir?: string;
  /** Parent of the temporary build folder (needs room for the unpacked tree twice); default the OS temp dir. */
  workDir?: string;
  /**
   * Keep each verified root filesystem here as `<key>.tar`, keyed by recipe, suite, sources,
   * architecture and every locked package's sha256, and reuse it instead of running mmdebstrap
   * when the key matches. Safe because a build from the same lock is byte-identical; meant for
   * test runs and CI jobs that build one environment several times. Off by default.
   */
  rootfsCacheDir?: string;
  /**
   * Keep each finished environment here, keyed by everything that decides its bytes (builder
   * code, definition, lock, sources, `SOURCE_DATE_EPOCH`: see `environmentCacheKey`), and reuse it
   * instead of building: the kept tarball is copied out and its sha256 and size checked first. A
   * build of a key holds a lock, so a concurrent build of the same key waits and reuses. Meant for
   * a test suite (`RUNWAY_DEBIAN_BUILD_CACHE`, set by the vitest global setup) or a CI job. Off by default.
   */
  buildCacheDir?: string;
  /** Apt sources to download from instead of the lock's (e.g. a local mirror); the lock's sha256 still apply. */
  sources?: AptSource[];
  /** Also return every packed file with its sha256 (for an SBOM's file list). */
  hashFiles?: boolean;
  smokeTimeoutMs?: number;
  logger?: Logger;
}

/** Milliseconds spent in each step of a build. */
export interface BuildTimings {
  /** Checking and staging cached `.deb`s. */
  cache: number;
  /** mmdebstrap (or unpacking a kept root filesystem), with the install check. */
  rootfs: number;
  /** Checking the `.deb`s used against the lock and caching them. */
  verify: number;
  /** Rewriting links and writing runtime.yml. */
  stage: number;
  smoke: number;
  pack: number;
  total: number;
}

export interface BuiltEnvironment {
  platform: string;
  /** `<outDir>/<name>-<version>-<platform>.tar.gz`. */
  path: string;
  fileName: string;
  sha256: string;
  size: number;
  /** `<path>.sha256`, in sha256sum format, written last. */
  sha256File: string;
  /** `<outDir>/<name>-<version>-<platform>.lock.json`: the lock reduced to this platform. */
  lockFile: string;
  /** Exactly what went in (for the SBOM: see `lockComponents`). */
  lock: DebianLock;
  /** With `hashFiles`: every regular file in the tarball. */
  files?: PackedFile[];
  /** The smoke command's output, when the manifest has one. */
  smoke?: { command: string[]; stdout: string; stderr: string };
  rootfsFromCache: boolean;
  /** Copied from `buildCacheDir` (sha256 checked) instead of built. */
  fromBuildCache: boolean;
  debs: { cached: number; downloaded: number };
  timings: BuildTimings;
}

/**
 * Builds the prebuilt environment of one runtime for one platform, in this order:
 *
 * 1. checking the manifest, the platform (listed as prebuilt, buildable on this machine), the
 *    lock (matches the manifest), and the tools (mmdebstrap, tar, bwrap) before anything slow;
 * 2. staging cached `.deb`s that match the lock's sha256;
 * 3. creating the root filesystem with mmdebstrap from exactly the locked versions (maintainer
 *    scripts run), checking dpkg's report against the lock;
 * 4. checking every `.deb` used against the lock's sha256, caching them;
 * 5. staging `<name>/isolated/` (links made chroot-relative, no special files, the few files
 *    maintainer scripts write non-deterministically fixed) and `<name>/runtime.yml`;
 * 6. running the manifest's `smoke` command inside it through the sandbox;
 * 7. packing `<name>-<version>-<platform>.tar.gz` reproducibly, then its lock, then `.sha256`.
 *
 * Nothing is left in `outDir` unless every step passed: earlier outputs of the same name are
 * removed first, and a failure removes whatever this build wrote. Throws `UserError` for
 * everything the user can fix (stale lock, version gone from the mirror, failing smoke test with
 * its output, missing tools, platform not buildable here).
 */
export async function buildEnvironment(options: BuildEnvironmentOptions): Promise<BuiltEnvironment> {
  const started = Date.now();
  const log = options.logger;
  const projectDir = resolve(options.projectDir);
  const manifest = options.manifest ?? await readRuntimeManifest(projectDir);
  const definition = definitionFromManifest(manifest, join(options.projectDir, 'manifest.yaml'));
  const { platform } = options;
  if (!isDebianPlatform(platform) || !definition.platforms.includes(platform)) {
    throw new UserError(`${definition.name} has no prebuilt ${platform} environment (its prebuilt platforms: ${definition.platforms.join(', ') || 'none'})`, {
      hint: 'build one of those, or add the platform to "platforms" in manifest.yaml and refresh the lock',
    });
  }
  const support = (await describePlatformSupport()).find((s) => s.platform === platform);
  if (!support?.buildable) throw new UserError(`cannot build ${platform} on this machine: ${support?.reason}`, { hint: 'build it on a machine of that architecture; the lock can still be refreshed here' });
  const lock = options.lock ?? await readLock(projectDir);
  assertLockFits(lock, definition, platform, join(options.projectDir, DEBIAN_LOCK_FILE));
  const locked = lock.platforms[platform];
  const sourceDateEpoch = parseSourceDateEpoch(options.sourceDateEpoch === undefined ? undefined : String(options.sourceDateEpoch));
  await requireTool('mmdebstrap', 'build Debian environments');
  await requireTool('tar', 'unpack the environment');
  await findBwrap(process.env.RUNWAY_BWRAP);

  const outDir = resolve(options.outDir);
  const fileName = environmentFileName(definition.name, definition.version, platform);
  const outFile = join(outDir, fileName);
  const lockFile = join(outDir, environmentLockFileName(definition.name, definition.version, platform));
  const outputs = [`${outFile}.sha256`, outFile, lockFile];
  await mkdir(outDir, { recursive: true });
  // The checksum file goes first: without it, no reader takes a leftover tarball for a finished build.
  for (const file of outputs) await rm(file, { force: true });

  const platformLock: DebianLock = { ...lock, platforms: { [platform]: locked } };
  const fresh = () => buildFresh({ options, definition, lock, platformLock, sourceDateEpoch, outFile, lockFile, outputs, fileName, started });
  if (!options.buildCacheDir) return fresh();
  const cache = new EnvironmentCache(resolve(options.buildCacheDir), log);
  const key = await environmentCacheKey({ definition, lock, platform, sourceDateEpoch, sources: options.sources, hashFiles: options.hashFiles });
  return cache.exclusive(key, async () => {
    const kept = await cache.restore(key, outFile).then(async (entry) => {
      if (entry) {
        await writeFile(lockFile, serializeLock(platformLock));
        await writeChecksumFile(`${outFile}.sha256`, entry.sha256, fileName);
      }
      return entry;
    }).catch(async (err) => {
      for (const file of outputs) await rm(file, { force: true });
      throw err;
    });
    if (kept) {
      const total = Date.now() - started;
      log?.info(`${definition.name} ${platform}: reused ${fileName} sha256:${kept.sha256} (${kept.size} bytes, checked) from ${cache.dir}`);
      return {
        platform, path: outFile, fileName, sha256: kept.sha256, size: kept.size, sha256File: `${outFile}.sha256`, lockFile, lock: platformLock,
        ...(kept.files && { files: kept.files }), ...(kept.smoke && { smoke: kept.smoke }), rootfsFromCache: false, fromBuildCache: true,
        debs: { cached: locked.packages.length, downloaded: 0 }, timings: { cache: 0, rootfs: 0, verify: 0, stage: 0, smoke: 0, pack: total, total },
      };
    }
    const built = await fresh();
    await cache.store(key, built.path, { fileName, sha256: built.sha256, size: built.size, smoke: built.smoke, files: built.files });
    return built;
  });
}

interface FreshBuild {
  options: BuildEnvironmentOptions;
  definition: EnvironmentDefinition;
  lock: DebianLock;
  platformLock: DebianLock;
  sourceDateEpoch: number;
  outFile: string;
  lockFile: string;
  outputs: string[];
  fileName: string;
  started: number;
}

/** Steps 2–7 of {@link buildEnvironment}, always building. */
async function buildFresh({ options, definition, lock, platformLock, sourceDateEpoch, outFile, lockFile, outputs, fileName, started }: FreshBuild): Promise<BuiltEnvironment> {
  const log = options.logger;
  const { platform } = options;
  const locked = platformLock.platforms[platform];
  const cacheDir = options.cacheDir ?? debCacheDir(process.env, homedir());
  const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'runway-debian-env-'));
  // apt downloads as the unprivileged _apt user when it can reach the folder; 0700 would make it fall back to root.
  await chmod(work, 0o755);
  if (/\s/.test(work)) throw new UserError(`the build folder ${work} contains white space, which mmdebstrap's hooks cannot take`, { hint: 'pass workDir (or set TMPDIR) to a path without spaces' });
  const timings: BuildTimings = { cache: 0, rootfs: 0, verify: 0, stage: 0, smoke: 0, pack: 0, total: 0 };
  const step = async <T>(name: keyof BuildTimings, label: string, run: () => Promise<T>): Promise<T> => {
    log?.info(`${definition.name} ${platform}: ${label}`);
    const t0 = Date.now();
    try {
      return await run();
    } finally {
      timings[name] += Date.now() - t0;
    }
  };

  try {
    const runtimeDir = join(work, 'stage', definition.name);
    const isolated = join(runtimeDir, 'isolated');
    await mkdir(isolated, { recursive: true });
    const keptRootfs = options.rootfsCacheDir && join(options.rootfsCacheDir, `${rootfsKey(lock, platform, sourceDateEpoch, options.sources)}.tar`);
    const rootfsFromCache = !!keptRootfs && await stat(keptRootfs).then(() => true, () => false);
    let debs = { cached: locked.packages.length, downloaded: 0 };

    if (rootfsFromCache) {
      await step('rootfs', `unpacking the kept root filesystem ${keptRootfs}`, () => unpackKeptRootfs(keptRootfs!, isolated));
    } else {
      const staged = await step('cache', `checking ${locked.packages.length} cached .debs in ${cacheDir}`, () => stageCachedDebs(cacheDir, locked.packages, join(work, 'debs-in')));
      debs = { cached: staged.hits, downloaded: staged.misses };
      for (const name of staged.discarded) log?.warn(`discarded ${name} from the cache: its sha256 differs from the lock`);
      if (keptRootfs) await mkdir(options.rootfsCacheDir!, { recursive: true });
      const hooks = await hookFolder(join(work, 'hooks'));
      const command = {
        arch: locked.architecture, suite: lock.suite, sources: options.sources ?? lock.sources, packages: locked.packages,
        debsIn: join(work, 'debs-in'), debsOut: await hookFolder(join(hooks, 'debs-out')), statusFile: join(hooks, 'dpkg-status.tsv'),
      };
      const tmpDir = await hookFolder(join(work, 'mmdebstrap'));
      await step('rootfs', `creating the root filesystem with mmdebstrap (${locked.packages.length} packages, ${staged.hits} cached)`, () => createRootfs({
        command, intoDir: isolated, sourceDateEpoch, tmpDir, keepTarAs: keptRootfs || undefined,
        // mmdebstrap's own progress, without the hook command lines (long, and ours).
        onLine: (line) => /^(I|W|E): /.test(line) && !line.startsWith('I: running') && log?.info(`  ${line}`),
        onRetry: (reason) => log?.warn(reason),
      }));
      await step('verify', 'checking every .deb used against the lock', () => verifyAndCacheDebs(command.debsOut, locked.packages, cacheDir, staged.cached));
    }

    await step('stage', 'making links chroot-relative, known files deterministic, and writing runtime.yml', async () => {
      const normalized = await normalizeRootfs(isolated);
      for (const path of await makeFilesDeterministic(isolated, sourceDateEpoch)) log?.info(`  made ${path} deterministic`);
      const yml = runtimeYmlFor(definition, normalized.topLevel);
      await writeFile(join(runtimeDir, 'runtime.yml'), serializeRuntimeYml(yml));
    });

    const smoke = await step('smoke', definition.smoke ? `running the smoke test: ${definition.smoke.join(' ')}` : 'no smoke command in the manifest: skipping the smoke test',
      () => runSmoke(definition, runtimeDir, platform, options.smokeTimeoutMs ?? DEFAULT_SMOKE_TIMEOUT_MS));

    const packed = await step('pack', `packing ${fileName}`, async () => {
      const result = await packTarball({ sourceDir: runtimeDir, prefix: definition.name, outFile, mtime: sourceDateEpoch, hashFiles: options.hashFiles });
      await writeFile(lockFile, serializeLock(platformLock));
      await writeChecksumFile(`${outFile}.sha256`, result.sha256, result.fileName);
      return result;
    });
    timings.total = Date.now() - started;
    log?.info(`${definition.name} ${platform}: built ${fileName} sha256:${packed.sha256} (${packed.size} bytes) in ${(timings.total / 1000).toFixed(1)} s`);
    return {
      platform, path: outFile, fileName, sha256: packed.sha256, size: packed.size, sha256File: `${outFile}.sha256`, lockFile, lock: platformLock,
      ...(packed.files && { files: packed.files }), ...(smoke && { smoke }), rootfsFromCache, fromBuildCache: false, debs, timings,
    };
  } catch (err) {
    for (const file of outputs) await rm(file, { force: true });
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Runs the manifest's smoke command inside the staged runtime; a failure is a `UserError` with its output. */
async function runSmoke(definition: EnvironmentDefinition, runtimeDir: string, platform: string, timeoutMs: number) {
  if (!definition.smoke) return undefined;
  const result = await runInRuntime({ runtimeDir, command: definition.smoke, output: 'capture', timeoutMs, maxCaptureBytes: 64 * 1024 });
  if (result.exitCode !== 0) {
    const output = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n') || '(no output)';
    throw new UserError(`the smoke test of ${definition.name} ${definition.version} (${platform}) failed with exit code ${result.exitCode}; nothing was packed.\n$ ${definition.smoke.join(' ')}\n${output}`, {
      hint: 'fix "smoke" or "debian.packages" in manifest.yaml (then refresh the lock); the command runs inside the new environment with only its own files',
    });
  }
  return { command: definition.smoke, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Pure: the key of a kept root filesystem: everything that decides its bytes (recipe, suite,
 * sources, architecture, `SOURCE_DATE_EPOCH`, every package's name, version and sha256).
 */
export function rootfsKey(lock: DebianLock, platform: string, sourceDateEpoch: number, sources?: AptSource[]): string {
  const entry = lock.platforms[platform];
  const material = JSON.stringify([ROOTFS_RECIPE, lock.suite, sources ?? lock.sources, entry.architecture, sourceDateEpoch,
    entry.packages.map((p) => [p.name, p.version, p.architecture, p.sha256])]);
  return `${platform}-${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}
