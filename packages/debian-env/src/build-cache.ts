import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { withFileLock } from '@runway/file-lock';
import type { Logger } from '@runway/log';
import { sha256File } from '@runway/file-hash';
import type { PackedFile } from '@runway/pack';
import type { AptSource, DebianLock, EnvironmentDefinition } from './types';

/**
 * The packages whose code decides a built environment's bytes (the builder, the sandbox that runs
 * the smoke test, the packer, the manifest reader): the same code the Nx `build` target lists as
 * inputs. Their specs and test fixtures are not part of it.
 */
const BUILDER_PACKAGES = ['@runway/debian-env', '@runway/sandbox', '@runway/pack', '@runway/manifest', '@runway/safe-archive'];

let codeHash: Promise<string> | undefined;

/** sha256 over every non-spec source file of {@link BUILDER_PACKAGES}, as this process runs them (computed once). */
export function builderCodeHash(): Promise<string> {
  codeHash ??= (async () => {
    const hash = createHash('sha256');
    for (const pkg of BUILDER_PACKAGES) {
      const src = dirname(require.resolve(pkg));
      const files = (await readdir(src, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && !e.name.endsWith('.spec.ts') && !relative(src, e.parentPath).split('/').includes('testing'))
        .map((e) => join(e.parentPath, e.name)).sort();
      for (const file of files) hash.update(`${pkg}/${relative(src, file)}\0`).update(await readFile(file)).update('\0');
    }
    return hash.digest('hex');
  })();
  return codeHash;
}

/** Everything that decides the bytes of one built environment. */
export interface EnvironmentKeyInput {
  definition: EnvironmentDefinition;
  lock: DebianLock;
  platform: string;
  sourceDateEpoch: number;
  sources?: AptSource[];
  hashFiles?: boolean;
}

/**
 * The content key of a built environment: the builder's code, the definition (manifest), the
 * lock's platform entry, suite and sources, and `SOURCE_DATE_EPOCH`. Equal keys give equal bytes,
 * since a build from the same inputs is reproducible.
 */
export async function environmentCacheKey(input: EnvironmentKeyInput): Promise<string> {
  const { definition, lock, platform } = input;
  const material = JSON.stringify([await builderCodeHash(), definition, lock.suite, input.sources ?? lock.sources, platform,
    lock.platforms[platform], input.sourceDateEpoch, !!input.hashFiles]);
  return `${definition.name}-${definition.version}-${platform}-${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}

/** What a cache entry records beside the tarball (`entry.json`). */
export interface CachedEnvironment {
  fileName: string;
  sha256: string;
  size: number;
  smoke?: { command: string[]; stdout: string; stderr: string };
  files?: PackedFile[];
}

const ENTRY_FILE = 'entry.json';

/**
 * A folder of finished environments, one sub-folder per {@link environmentCacheKey}: the tarball
 * and `entry.json` (its sha256 and size, the smoke output). Meant for a test suite or CI job that
 * needs one environment in several places; a build holds `<key>.lock` while it looks up, builds
 * and stores, so a concurrent build of the same key waits and then reuses it.
 */
export class EnvironmentCache {
  constructor(readonly dir: string, private readonly logger?: Logger) {}

  /** Runs `fn` while no other process builds or restores `key`. */
  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    // A real build takes minutes: wait as long as one may take (a dead holder is detected at once).
    return withFileLock(join(this.dir, key), fn, { timeoutMs: 60 * 60 * 1000, staleMs: 60 * 60 * 1000, onWait: () => this.logger?.info(`waiting for another build of ${key}`) });
  }

  /**
   * Copies the kept tarball of `key` to `outFile` and checks its sha256 and size against the
   * entry; a damaged entry is deleted (the caller then builds). Returns the entry on a hit.
   */
  async restore(key: string, outFile: string): Promise<CachedEnvironment | undefined> {
    const folder = join(this.dir, key);
    const entry = await readFile(join(folder, ENTRY_FILE), 'utf8').then((t) => JSON.parse(t) as CachedEnvironment, () => undefined);
    if (!entry) return undefined;
    const temp = `${outFile}.${randomBytes(4).toString('hex')}.part`;
    try {
      await copyFile(join(folder, entry.fileName), temp);
      const actual = await sha256File(temp);
      if (actual.sha256 !== entry.sha256 || actual.size !== entry.size) {
        this.logger?.warn(`discarded the kept environment ${key}: sha256 ${actual.sha256} (${actual.size} bytes) instead of ${entry.sha256} (${entry.size} bytes)`);
        await rm(folder, { recursive: true, force: true });
        return undefined;
      }
      await rename(temp, outFile);
      return entry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await rm(folder, { recursive: true, force: true });
      return undefined;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Keeps a finished build under `key` (written beside, then renamed into place). */
  async store(key: string, tarball: string, entry: CachedEnvironment): Promise<void> {
    const temp = join(this.dir, `${key}.${randomBytes(4).toString('hex')}.part`);
    try {
      await mkdir(temp, { recursive: true });
      await copyFile(tarball, join(temp, entry.fileName));
      await writeFile(join(temp, ENTRY_FILE), JSON.stringify(entry));
      await rm(join(this.dir, key), { recursive: true, force: true });
      await rename(temp, join(this.dir, key));
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
}
