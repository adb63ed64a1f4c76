import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Manifest } from '@runway/manifest';
import { parseSourceDateEpoch } from '@runway/pack';
import { environmentSbomFileName, environmentSbomFor, serializeSbom } from '@runway/sbom';
import { buildEnvironment, type BuildEnvironmentOptions, type BuiltEnvironment } from './build-environment';
import { definitionFromManifest, hasEnvironment } from './environment-definition';
import { describePlatformSupport, whichTool } from './host-tools';
import { lockComponents } from './sbom-components';
import type { DebianLock } from './types';

export interface BuildEnvironmentsOptions extends Pick<BuildEnvironmentOptions, 'cacheDir' | 'workDir' | 'rootfsCacheDir' | 'buildCacheDir' | 'smokeTimeoutMs' | 'logger'> {
  /** The runtime folder (messages, and where manifest and lock are read from when not given). */
  projectDir: string;
  /** The validated manifest. A runtime without a `debian:` section has nothing to build. */
  manifest: Manifest;
  /** The lock, e.g. as committed at the release commit; read from `projectDir` when omitted. */
  lock?: DebianLock;
  outDir: string;
  /** `SOURCE_DATE_EPOCH` as given (a string from the environment): mtimes, and the SBOM's timestamp when set. */
  sourceDateEpoch?: string;
  /**
   * Without the host tools (mmdebstrap, bwrap) this machine cannot build any environment: true
   * returns every platform as skipped, saying what to install (a developer's or CI's `build`);
   * false (the default) fails clearly (a release must not publish a version without them).
   */
  skipWithoutTools?: boolean;
}

/** The host tools every environment build runs, with the Debian package of each. */
const TOOL_PACKAGES: Record<string, string> = { mmdebstrap: 'mmdebstrap', bwrap: 'bubblewrap' };

async function missingTools(): Promise<string[]> {
  const found = await Promise.all(Object.keys(TOOL_PACKAGES).map(async (tool) => [tool, await whichTool(tool)] as const));
  return found.filter(([, path]) => !path).map(([tool]) => tool);
}

/** One environment built, with its SBOM written beside it. */
export interface BuiltEnvironmentWithSbom extends BuiltEnvironment {
  /** `<outDir>/<name>-<version>-<platform>.cdx.json`. */
  sbomFile: string;
  sbomSha256: string;
  sbomSize: number;
}

export interface BuiltEnvironments {
  built: BuiltEnvironmentWithSbom[];
  /** Prebuilt platforms of the manifest this machine cannot build, with why. */
  skipped: Array<{ platform: string; reason: string }>;
}

/**
 * Builds every prebuilt platform of the runtime that this machine can build (see
 * `availablePlatforms`), each with {@link buildEnvironment} and then its CycloneDX SBOM listing the
 * locked Debian packages as purls (`<name>-<version>-<platform>.cdx.json`). The others are
 * returned as skipped with the reason, for the caller to say so. A runtime without a `debian:`
 * section builds nothing. On a failure nothing of the failing platform is left in `outDir`.
 */
export async function buildEnvironments(options: BuildEnvironmentsOptions): Promise<BuiltEnvironments> {
  const { manifest } = options;
  if (!hasEnvironment(manifest)) return { built: [], skipped: [] };
  const { platforms } = definitionFromManifest(manifest, join(options.projectDir, 'manifest.yaml'));
  const support = await describePlatformSupport();
  const result: BuiltEnvironments = { built: [], skipped: [] };
  const missing = options.skipWithoutTools ? await missingTools() : [];
  if (missing.length > 0) {
    const reason = `${missing.join(' and ')} not installed (apt-get install ${missing.map((t) => TOOL_PACKAGES[t]).join(' ')})`;
    return { built: [], skipped: platforms.map((platform) => ({ platform, reason })) };
  }
  // Only a real SOURCE_DATE_EPOCH dates an SBOM; the packer's fixed default mtime is no date.
  const sbomDate = options.sourceDateEpoch?.trim() ? parseSourceDateEpoch(options.sourceDateEpoch) : undefined;
  for (const platform of platforms) {
    const here = support.find((s) => s.platform === platform);
    if (!here?.buildable) {
      result.skipped.push({ platform, reason: here?.reason ?? 'unknown platform' });
      continue;
    }
    const built = await buildEnvironment({ ...options, platform, sourceDateEpoch: options.sourceDateEpoch });
    const sbomFile = join(resolve(options.outDir), environmentSbomFileName(manifest.name, manifest.version, platform));
    const text = serializeSbom(environmentSbomFor({
      manifest, platform, package: { fileName: built.fileName, sha256: built.sha256, size: built.size },
      components: lockComponents(built.lock, platform), sourceDateEpoch: sbomDate,
    }));
    try {
      await writeFile(sbomFile, text);
    } catch (err) {
      for (const file of [built.sha256File, built.path, built.lockFile]) await rm(file, { force: true });
      throw err;
    }
    result.built.push({ ...built, sbomFile, sbomSha256: createHash('sha256').update(text).digest('hex'), sbomSize: Buffer.byteLength(text) });
  }
  return result;
}
