import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { loadSigningKey, SIGNING_KEY_ENV } from '@runway/signing';
import type { SigningKey } from '@runway/trust';

/** The Nx plugin whose options in the root `nx.json` hold the workspace's signing policy. */
const PLUGIN = '@runway/nx-plugin';

/** How a workspace's releases are signed: the key (when configured) and whether one is required. */
export interface ReleaseSigning {
  key: SigningKey | undefined;
  /** `signing: "required"` in the plugin options of the root `nx.json`: no key is an error, not a notice. */
  required: boolean;
}

/**
 * The signing of releases from `workspaceRoot`: the key from `RUNWAY_SIGNING_KEY` (its text or the
 * path of its file) and the policy from the root `nx.json`:
 * `"plugins": [{ "plugin": "@runway/nx-plugin", "options": { "signing": "required" } }]`
 * (`"optional"`, the default, publishes unsigned with a notice when no key is set).
 * @throws UserError for a malformed key or policy, never echoing the key.
 */
export async function loadReleaseSigning(env: NodeJS.ProcessEnv, workspaceRoot: string): Promise<ReleaseSigning> {
  const [key, required] = await Promise.all([loadSigningKey(env, workspaceRoot), signingRequired(workspaceRoot)]);
  return { key, required };
}

/** Memoizes `loadReleaseSigning` for one target: every registry write of a run signs with one key. */
export function releaseSigningLoader(env: NodeJS.ProcessEnv, workspaceRoot: string): () => Promise<ReleaseSigning> {
  let loaded: Promise<ReleaseSigning> | undefined;
  return () => (loaded ??= loadReleaseSigning(env, workspaceRoot));
}

/** The key, or a `UserError` when the workspace requires signing and none is configured. */
export function requireKeyIfConfigured(signing: ReleaseSigning, what: string): SigningKey | undefined {
  if (signing.key || !signing.required) return signing.key;
  throw new UserError(`${what} must be signed (nx.json: ${PLUGIN} option "signing": "required"), but ${SIGNING_KEY_ENV} is not set`, {
    hint: `set ${SIGNING_KEY_ENV} to the release private key or the path of its file (\`runway keys generate --out <file>\` makes one); in GitHub Actions pass it from the repository secret`,
  });
}

/** Whether the root `nx.json` says `"signing": "required"` for the Runway plugin. */
async function signingRequired(workspaceRoot: string): Promise<boolean> {
  const path = join(workspaceRoot, 'nx.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw mapFsError(err, `read ${path}`);
  }
  let config: { plugins?: unknown };
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path} is not valid JSON: ${(err as Error).message}`, { hint: 'fix nx.json' });
  }
  const plugin = Array.isArray(config?.plugins)
    ? config.plugins.find((p): p is { options?: Record<string, unknown> } => typeof p === 'object' && p !== null && (p as { plugin?: unknown }).plugin === PLUGIN)
    : undefined;
  const value = plugin?.options?.signing;
  if (value === undefined || value === 'optional') return false;
  if (value === 'required') return true;
  throw new UserError(`${path}: option "signing" of ${PLUGIN} is ${JSON.stringify(value)}; expected "required" or "optional"`, {
    hint: 'use "signing": "required" to refuse unsigned releases, or leave it out',
  });
}
