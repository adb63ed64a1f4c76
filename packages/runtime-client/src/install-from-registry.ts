import type { Logger } from '@runway/log';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, resolveDownloadUrl } from '@runway/safe-archive';
import { buildCatalog, findRuntime } from './catalog';
import { chooseInstall, type ChosenArtifact } from './choose-artifact';
import { hostPlatforms } from './host-platform';
import { installRuntime, type InstallRequest, type InstallResult } from './install-runtime';
import type { LoadedRegistry } from './load-registry';
import { verifyPackageProvenance } from './verify-package-trust';

/** A package download that stays silent this long fails and is retried. */
export const DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;
/** A provenance fetch that stays silent this long fails and is retried. */
const PROVENANCE_IDLE_TIMEOUT_MS = 30_000;

export interface InstallFromRegistryRequest {
  /** Registries as `loadRegistry` read them, in priority order (the first listing `name` wins). */
  registries: readonly LoadedRegistry[];
  name: string;
  /** An exact version, or `latest`. */
  spec: string;
  /** Root of the install folders (`<dir>/<name>-<version>/`). */
  dir: string;
  /** Platforms to install for, best first (default: this machine's, `hostPlatforms()`). */
  platforms?: readonly string[];
  /** Take the source package even where a prebuilt environment exists (`--source`). */
  sourceOnly?: boolean;
  /** Run the source package's setup script (ignored for a prebuilt environment, which has none). */
  setup?: Omit<NonNullable<InstallRequest['setup']>, 'platform'>;
  maxBytes?: number;
  maxEntries?: number;
  idleTimeoutMs?: number;
  deadlineMs?: number;
  logger: Logger;
  now?: () => Date;
  onProgress?: InstallRequest['onProgress'];
  /** Called once the version and artifact are chosen, before anything is fetched (e.g. to warn about a deprecated version). */
  onChosen?: (chosen: { entry: ReturnType<typeof chooseInstall>['entry']; artifact: ChosenArtifact }) => void;
}

export interface InstallFromRegistryResult extends InstallResult {
  version: string;
  artifact: ChosenArtifact;
  /** Present when the registry's index was verified against pinned keys and the artifact's provenance names its sha256. */
  verified?: { key_id: string; index_serial: number };
}

/**
 * Installs `name[@spec]` from already loaded registries, as `runway runtime install` does: picks
 * the version and artifact this machine can install (`chooseInstall`: the platform's prebuilt
 * environment when there is one, else the source package), checks, when the registry's index was
 * verified against pinned keys, that the release's signed provenance names the artifact's sha256
 * (before the download), then downloads, verifies and unpacks it atomically (`installRuntime`).
 * The caller records verified indexes in the trust state once its command succeeded.
 */
export async function installFromRegistry(req: InstallFromRegistryRequest): Promise<InstallFromRegistryResult> {
  const runtime = findRuntime(buildCatalog([...req.registries]), req.name);
  const platforms = req.platforms ?? (await hostPlatforms());
  const { entry, artifact } = chooseInstall(req.name, runtime.versions, req.spec, { platforms, sourceOnly: req.sourceOnly });
  req.onChosen?.({ entry, artifact });
  const label = `${req.name}@${entry.version}`;
  const url = resolveDownloadUrl(artifact.download_url, runtime.from.base, runtime.from.label);
  const index = runtime.from.trust;
  // With keys pinned, the provenance is checked before the download: a refused package costs nothing.
  const trust = index.status === 'verified' ? {
    index: { serial: index.serial, expires: index.expires, key_id: index.keyId },
    provenance: await verifyPackageProvenance({ label, url, entry: artifact, pinnedKeys: index.pinnedKeys, timeoutMs: PROVENANCE_IDLE_TIMEOUT_MS }),
  } : undefined;
  const result = await installRuntime({
    name: req.name, version: entry.version, url, checksum: artifact.checksum, size: artifact.size,
    registry: runtime.from.id, trust,
    artifact: artifact.kind === 'prebuilt' ? { kind: 'prebuilt', platform: artifact.platform } : { kind: 'source', platform: artifact.platform },
    dir: req.dir,
    setup: req.setup && artifact.kind === 'source' ? { ...req.setup, platform: artifact.platform } : undefined,
    maxBytes: req.maxBytes ?? DEFAULT_MAX_BYTES,
    maxEntries: req.maxEntries ?? DEFAULT_MAX_ENTRIES,
    idleTimeoutMs: req.idleTimeoutMs ?? DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS,
    deadlineMs: req.deadlineMs,
    logger: req.logger,
    now: req.now ?? (() => new Date()),
    onProgress: req.onProgress,
  });
  return { ...result, version: entry.version, artifact, ...(trust && { verified: { key_id: trust.provenance.key_id, index_serial: trust.index.serial } }) };
}
