import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import type { RegistryCredentials } from './docker-api';

/** The part of `~/.docker/config.json` Runway reads. Credential helpers are not consulted. */
export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
}

export const ENV_CREDENTIALS = 'RUNWAY_IMAGE_REGISTRY_USER/RUNWAY_IMAGE_REGISTRY_PASSWORD';

/**
 * Pure: credentials for `host`: `RUNWAY_IMAGE_REGISTRY_USER` + `RUNWAY_IMAGE_REGISTRY_PASSWORD`
 * first, then the docker config's `auths` entry (keys as `docker login` writes them, with or
 * without scheme; Docker Hub under `https://index.docker.io/v1/`). Undefined when there are none.
 */
export function resolveRegistryCredentials(host: string, env: NodeJS.ProcessEnv, config: DockerConfigFile | undefined): RegistryCredentials | undefined {
  const user = env.RUNWAY_IMAGE_REGISTRY_USER;
  const password = env.RUNWAY_IMAGE_REGISTRY_PASSWORD;
  if (user && password) return { username: user, password, source: ENV_CREDENTIALS };
  if (user || password) {
    throw new UserError(`only one of RUNWAY_IMAGE_REGISTRY_USER and RUNWAY_IMAGE_REGISTRY_PASSWORD is set`, {
      hint: 'set both (or neither, to use the credentials of docker login)',
    });
  }
  const keys = host === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'] : [host];
  for (const [key, entry] of Object.entries(config?.auths ?? {})) {
    const bare = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (!keys.includes(key) && !keys.includes(bare)) continue;
    if (entry.username && entry.password) return { username: entry.username, password: entry.password, source: 'docker config' };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: 'docker config' };
    }
  }
  return undefined;
}

/** Reads `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`); undefined when absent. */
export async function readDockerConfig(env: NodeJS.ProcessEnv): Promise<DockerConfigFile | undefined> {
  const file = join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as DockerConfigFile;
  } catch (err) {
    throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`, { hint: 'fix the file or run docker login again', cause: err });
  }
}
