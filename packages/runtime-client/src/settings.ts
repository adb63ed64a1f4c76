import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';

/** Where the client keeps things; each can be moved with an environment variable. */
export interface ClientPaths {
  runtimesDir: string;
  cacheDir: string;
  configFile: string;
  home: string;
}

export function clientPaths(env: NodeJS.ProcessEnv): ClientPaths {
  const home = env.HOME || homedir();
  return {
    home,
    runtimesDir: env.RUNWAY_RUNTIMES_DIR || join(home, '.local', 'share', 'runway', 'runtimes'),
    cacheDir: env.RUNWAY_CACHE_DIR || join(home, '.cache', 'runway'),
    configFile: env.RUNWAY_CONFIG || join(home, '.config', 'runway', 'registries.yaml'),
  };
}

/**
 * Parses the registries config: `registries:` is a list of sources (path, URL or owner/repo), in
 * priority order: for a runtime name the first registry that lists it wins.
 */
export function parseRegistriesConfig(text: string, file: string): string[] {
  let doc: unknown;
  try {
    // Required lazily: most runs pass --registry and never read YAML.
    doc = (require('yaml') as typeof import('yaml')).parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  const list = (doc as { registries?: unknown } | null)?.registries;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new UserError(`${file}: "registries" must be a list of registry addresses`, {
      hint: 'write e.g.\nregistries:\n  - ehsaniara/joblet-runtimes\n  - https://example.com/runtimes/registry.json',
    });
  }
  return list as string[];
}

/** The configured registries, or an empty list when the config file does not exist. */
export async function readRegistriesConfig(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw mapFsError(err, `read ${file}`);
  }
  return parseRegistriesConfig(text, file);
}
