import { join } from 'node:path';
import { escapeText, type Logger } from '@runway/log';
import { REGISTRY_FILE } from '@runway/registry';
import { loadRegistry, type LoadedRegistry, type RegistrySource } from '@runway/runtime-client';
import { emptyTrustState, type PublicKey } from '@runway/trust';
import type { TargetAdapter } from '../targets/target-adapter';
import type { ReleaseTarget } from '../types';
import type { ValidationScope } from './validation-scope';

/** A registry read that stays silent this long fails (and is retried), as for `runway runtime`. */
const REGISTRY_IDLE_TIMEOUT_MS = 30_000;

export interface ReleaseRegistryRequest {
  target: ReleaseTarget;
  adapter: TargetAdapter;
  scope: ValidationScope;
  /** Keys pinned with `--key`: the index is verified against them before anything is read. */
  pinnedKeys: readonly PublicKey[];
  /** A fresh folder for the client's registry cache (nothing cached may stand in for the published file). */
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/**
 * Where a user installs this release from: the main registry (directory: `<dir>/registry.json`;
 * GitHub: `registry.json` on the repository's default branch, through the API) or, for a
 * prerelease, the RC-scoped `registry.json` among the release's own assets.
 */
export function releaseRegistrySource(target: ReleaseTarget, adapter: TargetAdapter, scope: ValidationScope): RegistrySource {
  if (scope.registry === 'main') {
    if (target.kind === 'directory') return { kind: 'file', path: join(target.dir, REGISTRY_FILE) };
    const [owner, repo] = target.repository.split('/');
    return { kind: 'github', owner, repo };
  }
  if (target.kind === 'directory') return { kind: 'file', path: join(target.dir, 'releases', 'download', scope.tag, REGISTRY_FILE) };
  return { kind: 'http', url: adapter.downloadUrl(scope.tag, REGISTRY_FILE) };
}

/**
 * Reads the registry the release is installed from, as `runway runtime install --registry … --key …`
 * would on a machine that never saw it (empty trust state, fresh cache): with keys pinned, an index
 * that is unsigned, signed by another key or expired is refused here (UserError), before anything is
 * downloaded.
 */
export async function loadReleaseRegistry(req: ReleaseRegistryRequest): Promise<LoadedRegistry> {
  const { target } = req;
  // The GitHub source is read through the API the target names, with its token (private repositories).
  const env = target.kind === 'github' ? { ...req.env, GITHUB_API_URL: target.apiUrl, GITHUB_TOKEN: target.token } : req.env;
  const registry = await loadRegistry(releaseRegistrySource(target, req.adapter, req.scope), {
    cacheDir: req.cacheDir, refresh: true, ttlMs: 0, now: () => new Date(), env, logger: req.logger,
    timeoutMs: REGISTRY_IDLE_TIMEOUT_MS,
    trust: req.pinnedKeys.length > 0 ? { pinnedKeys: req.pinnedKeys, state: emptyTrustState() } : undefined,
  });
  if (registry.trust.status === 'unverified') {
    req.logger.warn(`registry ${escapeText(registry.label, 500)} ${registry.trust.signed
      ? 'is signed but no key is pinned: not verified (pin the release key with --key)'
      : 'is unsigned: packages are checked against its checksums only'}`);
  }
  return registry;
}
