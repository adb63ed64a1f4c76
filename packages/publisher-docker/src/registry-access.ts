import type { RegistryCredentials } from './docker-api';
import { createRegistryClient, type RegistryClient } from './registry-client';
import { readDockerConfig, resolveRegistryCredentials } from './registry-credentials';

/** Registry clients with their credentials, one per host, as every image command needs them. */
export interface RegistryAccess {
  /** The credentials for `host` (`RUNWAY_IMAGE_REGISTRY_USER`/`_PASSWORD`, else `~/.docker/config.json`). */
  credentials(host: string): RegistryCredentials | undefined;
  /** The client for `host`, made once and reused (it caches its tokens). */
  client(host: string): RegistryClient;
}

/**
 * Reads the Docker config once and hands out one authenticated client per registry host: the one
 * way `publish-runenv-image`, `runway image retag` and `runway deprecate` reach a registry.
 * @throws UserError when the Docker config cannot be read.
 */
export async function openRegistryAccess(env: NodeJS.ProcessEnv): Promise<RegistryAccess> {
  const config = await readDockerConfig(env);
  const clients = new Map<string, RegistryClient>();
  const credentials = (host: string) => resolveRegistryCredentials(host, env, config);
  return {
    credentials,
    client(host) {
      let client = clients.get(host);
      if (!client) clients.set(host, (client = createRegistryClient({ host, credentials: credentials(host) })));
      return client;
    },
  };
}
