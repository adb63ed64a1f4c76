import { UserError } from '@runway/errors';

/** A repository split into the registry host and the name inside it (what the HTTP API uses). */
export interface ImageRepository {
  /** Registry host as written (`127.0.0.1:5000`, `ghcr.io`), `docker.io` when none was given. */
  host: string;
  /** Path inside the registry (`runway/runenv-python`; `library/…` for single-part Docker Hub names). */
  path: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Pure: splits `registry/path/name` as Docker does: the first component is a registry host when
 * it contains `.` or `:` or is `localhost`; otherwise the image lives on Docker Hub.
 * @throws UserError for names Docker would refuse.
 */
export function splitImageRepository(repository: string): ImageRepository {
  const parts = repository.split('/');
  const first = parts[0];
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = hasHost ? first : 'docker.io';
  const rest = hasHost ? parts.slice(1) : parts;
  if (rest.length === 0 || rest.some((c) => !PATH_COMPONENT.test(c))) {
    throw new UserError(`invalid image repository "${repository}"`, {
      hint: 'use lowercase letters, digits and separators, e.g. ghcr.io/acme/runenv-python or 127.0.0.1:5000/runway/runenv-python',
    });
  }
  const path = host === 'docker.io' && rest.length === 1 ? `library/${rest[0]}` : rest.join('/');
  return { host, path };
}

/**
 * Pure: the repositories of a payload's images under a registry prefix: `runenv-<name>` first,
 * then each alias (aliases are full image names such as `runenv-python-3.11`).
 */
export function imageRepositories(registryPrefix: string, name: string, aliases: readonly string[]): string[] {
  const prefix = registryPrefix.trim().replace(/\/+$/, '');
  if (/^[a-z]+:\/\//i.test(prefix) || prefix.includes('@') || /:[^/]*$/.test(prefix.split('/').slice(1).join('/'))) {
    throw new UserError(`invalid image registry "${registryPrefix}": expected host[:port][/path], without scheme or tag`, {
      hint: 'set RUNWAY_IMAGE_REGISTRY like ghcr.io/acme or 127.0.0.1:5000/runway',
    });
  }
  const names = [`runenv-${name}`, ...aliases.filter((a) => a !== `runenv-${name}`)];
  const repos = [...new Set(names)].map((n) => (prefix ? `${prefix}/${n}` : n));
  for (const repo of repos) splitImageRepository(repo);
  return repos;
}
