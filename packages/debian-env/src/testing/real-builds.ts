import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, extractTarball } from '@runway/safe-archive';
import type { BuiltEnvironment } from '../build-environment';

/** The host tools real builds need; each missing one is named in the skip message or the failure. */
export const MISSING_TOOLS = ['mmdebstrap', 'bwrap', 'dpkg-deb'].filter((tool) => execaSync('sh', ['-c', `command -v ${tool}`], { reject: false }).exitCode !== 0);

/**
 * Real builds run unless a tool is missing on a developer machine, where they are skipped with a
 * loud message. Under a truthy CI they always run, so a missing tool fails them (never a silent skip).
 */
export const SKIP_REAL_BUILDS = MISSING_TOOLS.length > 0 && !process.env.CI;
if (SKIP_REAL_BUILDS) {
  console.warn(`\n*** ${MISSING_TOOLS.join(', ')} not installed: SKIPPING the real Debian environment builds (apt-get install -y mmdebstrap bubblewrap) ***\n`);
}

/** Minutes a real build may take on a loaded 2-core CI machine (the ML environment is the largest). */
export const BUILD_TIMEOUT_MS = 40 * 60 * 1000;

/** A folder shared by the tests of one spec file (kept root filesystems, built tarballs), removed after it. */
export function sharedDir(prefix: string): () => string {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return () => dir;
}

/** Unpacks a built environment with the client's own safe extractor, as `runway runtime install` would; returns the runtime folder. */
export async function installWithClient(built: BuiltEnvironment, name: string, into: string): Promise<string> {
  await extractTarball(createReadStream(built.path), built.fileName, {
    dest: into, topLevel: name, maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES,
    expected: { checksum: `sha256:${built.sha256}`, size: built.size },
  });
  return join(into, name);
}

/** Pure: the upstream part of a Debian version: no epoch, no Debian revision, no `+dfsg`/`+ds` repack suffix. */
export function upstreamVersion(debian: string): string {
  return debian.replace(/^\d+:/, '').replace(/-[^-]+$/, '').replace(/\+(dfsg|ds)\d*$/, '');
}

/** Prints how long a build took and where the time went, for the report. */
export function reportBuild(label: string, built: BuiltEnvironment): void {
  const t = built.timings;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.info(`[build time] ${label}: ${s(t.total)} total (cache ${s(t.cache)}, rootfs ${s(t.rootfs)}${built.rootfsFromCache ? ' [kept rootfs]' : ''}, verify ${s(t.verify)}, stage ${s(t.stage)}, smoke ${s(t.smoke)}, pack ${s(t.pack)}); `
    + `${built.lock.platforms[built.platform].packages.length} packages (${built.debs.downloaded} downloaded), ${(built.size / 1e6).toFixed(1)} MB, sha256 ${built.sha256}`);
}
