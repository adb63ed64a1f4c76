import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { REGISTRY_FILE } from '@runway/registry';

/** Where a registry comes from. */
export type RegistrySource =
  | { kind: 'file'; path: string }
  | { kind: 'http'; url: string }
  /** `orPath`: the local path a bare `owner/repo` would have named, for the error when GitHub has nothing there either. */
  | { kind: 'github'; owner: string; repo: string; orPath?: string };

const OWNER_REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/**
 * Reads a `--registry` value, by these rules in order (pure apart from the `localExists` callback):
 * 1. `http(s)://…` is a URL (a trailing `/` means `registry.json` in that folder); `file://…` is a
 *    local path; any other `scheme://` is refused.
 * 2. `github:owner/repo` is always that GitHub repository.
 * 3. A bare `owner/repo` (one `/`, GitHub's characters, not starting with `.` nor ending in
 *    `.json`) is a local path when that path exists here, or when its first folder does (so
 *    `dist/registry` in a project with `dist/` is the folder even before it is built); otherwise
 *    it is the GitHub repository, and if GitHub cannot serve it either the error says both.
 * 4. Everything else is a local path (`~` expands to `home`); a folder means `<folder>/registry.json`.
 */
export function parseRegistrySource(spec: string, cwd: string, home: string, localExists: (path: string) => boolean = () => false): RegistrySource {
  const value = spec.trim();
  if (value === '') throw new UserError('--registry is empty', { hint: 'pass a path, an http(s) URL or owner/repo' });
  if (/^https?:\/\//i.test(value)) return { kind: 'http', url: value.endsWith('/') ? `${value}${REGISTRY_FILE}` : value };
  if (/^file:\/\//i.test(value)) return { kind: 'file', path: fileURLToPath(value) };
  if (/^[^/]*:\/\//.test(value)) {
    throw new UserError(`unsupported registry address "${escapeText(value, 200)}"`, { hint: 'use a path, an http(s) URL or owner/repo' });
  }
  if (value.startsWith('github:')) {
    const github = OWNER_REPO.exec(value.slice('github:'.length));
    if (!github) throw new UserError(`"${escapeText(value, 200)}" is not github:owner/repo`, { hint: 'e.g. github:ehsaniara/joblet-runtimes' });
    return { kind: 'github', owner: github[1], repo: github[2] };
  }
  const github = OWNER_REPO.exec(value);
  if (github && !value.endsWith('.json') && !value.startsWith('.')) {
    const path = resolve(cwd, value);
    if (!localExists(path) && !localExists(resolve(cwd, github[1]))) return { kind: 'github', owner: github[1], repo: github[2], orPath: path };
  }
  const expanded = value === '~' || value.startsWith('~/') ? `${home}${value.slice(1)}` : value;
  return { kind: 'file', path: isAbsolute(expanded) ? expanded : resolve(cwd, expanded) };
}

/** A short label for messages. */
export function describeSource(source: RegistrySource): string {
  return source.kind === 'file' ? source.path : source.kind === 'http' ? source.url : `github:${source.owner}/${source.repo}`;
}

/** The GitHub REST API a `github` source is read through (`GITHUB_API_URL`, GitHub Enterprise too). */
export function githubApiUrl(env: NodeJS.ProcessEnv): string {
  return (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
}

/** The registry file a local source names: the path itself, or `registry.json` in it when it is a folder. */
export async function registryFilePath(path: string): Promise<string> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ? join(path, REGISTRY_FILE) : path;
}

/**
 * What identifies a registry across runs, for the trust state (the highest index serial seen) and
 * to find the keys the config file pins for a `--registry` naming the same registry: the absolute
 * path of a local registry file; an http(s) URL without credentials, query or fragment (a
 * rotating token in a query must not reset the rollback protection); the API URL of a GitHub
 * repository.
 */
export async function registryId(source: RegistrySource, env: NodeJS.ProcessEnv): Promise<string> {
  if (source.kind === 'file') return registryFilePath(source.path);
  if (source.kind === 'github') return `${githubApiUrl(env)}/repos/${source.owner}/${source.repo}`;
  try {
    const url = new URL(source.url);
    return `${url.origin}${url.pathname}`;
  } catch {
    return source.url; // not a URL: reading it fails with its own message
  }
}
