import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';

/** Where the client keeps things; each can be moved with an environment variable. */
export interface ClientPaths {
  runtimesDir: string;
  cacheDir: string;
  configFile: string;
  /** What the client must remember between runs: the trust state (highest index serial seen per registry). */
  stateDir: string;
  home: string;
}

export function clientPaths(env: NodeJS.ProcessEnv): ClientPaths {
  const home = env.HOME || homedir();
  return {
    home,
    runtimesDir: env.RUNWAY_RUNTIMES_DIR || join(home, '.local', 'share', 'runway', 'runtimes'),
    cacheDir: env.RUNWAY_CACHE_DIR || join(home, '.cache', 'runway'),
    configFile: env.RUNWAY_CONFIG || join(home, '.config', 'runway', 'registries.yaml'),
    // XDG's state folder: unlike the cache, deleting it loses something (the rollback protection).
    stateDir: env.RUNWAY_STATE_DIR || join(home, '.local', 'state', 'runway'),
  };
}

/** One registry of the config file, with the public keys pinned for it. */
export interface ConfiguredRegistry {
  /** Path, http(s) URL or owner/repo, as `--registry` takes it. */
  source: string;
  /**
   * `ssh-ed25519 AAAA…` lines or key file paths; `~/` is expanded, other relative paths are
   * relative to `keysBase` (the config file's folder), as `readPinnedKeys` resolves them.
   */
  keys: string[];
  keysBase: string;
}

const CONFIG_HINT = 'write e.g.\nregistries:\n  - ehsaniara/joblet-runtimes\n  - source: https://example.com/runtimes/registry.json\n    keys:\n      - ~/.config/runway/example-release.pub';

/**
 * Parses the registries config: `registries:` is a list, in priority order (for a runtime name
 * the first registry that lists it wins), of sources (path, URL or owner/repo) or of
 * `{ source, keys }` entries pinning one or more public keys for that registry (two while the
 * publisher rotates its key). Unknown fields are refused: a misspelt `keys` must not silently
 * leave a registry unverified.
 */
export function parseRegistriesConfig(text: string, file: string, home: string): ConfiguredRegistry[] {
  let doc: unknown;
  try {
    // Required lazily: most runs pass --registry and never read YAML.
    doc = (require('yaml') as typeof import('yaml')).parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  const list = (doc as { registries?: unknown } | null)?.registries;
  if (!Array.isArray(list)) throw new UserError(`${file}: "registries" must be a list of registry addresses`, { hint: CONFIG_HINT });
  const keysBase = dirname(file);
  return list.map((item, i) => {
    if (typeof item === 'string' && item.trim() !== '') return { source: item, keys: [], keysBase };
    const where = `${file}: registries[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new UserError(`${where} is neither a registry address nor { source, keys }`, { hint: CONFIG_HINT });
    const unknown = Object.keys(item).filter((k) => k !== 'source' && k !== 'keys');
    if (unknown.length > 0) throw new UserError(`${where} has unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}`, { hint: 'an entry has "source" and "keys"' });
    const { source, keys } = item as { source?: unknown; keys?: unknown };
    if (typeof source !== 'string' || source.trim() === '') throw new UserError(`${where}: "source" must be a registry address`, { hint: CONFIG_HINT });
    if (keys !== undefined && (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k.trim() === ''))) {
      throw new UserError(`${where}: "keys" must be a list of public key files or ssh-ed25519 lines`, { hint: CONFIG_HINT });
    }
    const expand = (k: string) => (k.startsWith('~/') ? join(home, k.slice(2)) : k);
    return { source, keys: ((keys ?? []) as string[]).map(expand), keysBase };
  });
}

/** The configured registries, or an empty list when the config file does not exist. */
export async function readRegistriesConfig(file: string, home: string): Promise<ConfiguredRegistry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw mapFsError(err, `read ${file}`);
  }
  return parseRegistriesConfig(text, file, home);
}
