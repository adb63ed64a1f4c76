import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '@runway/errors';

/** Where a registry comes from. */
export type RegistrySource =
  | { kind: 'file'; path: string }
  | { kind: 'http'; url: string }
  | { kind: 'github'; owner: string; repo: string };

const OWNER_REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/**
 * Reads a `--registry` value. `http(s)://…` is a URL (a trailing `/` means `registry.json` in that
 * folder); `file://…`, anything starting with `.`, `/` or `~`, or ending in `.json` is a local
 * path (a directory means `<dir>/registry.json`, decided when it is read); a bare `owner/repo` is a
 * GitHub repository unless `localExists` says a path of that name exists here (so
 * `--registry dist/registry` after a release means the folder). Pure apart from that callback.
 */
export function parseRegistrySource(spec: string, cwd: string, home: string, localExists: (path: string) => boolean = () => false): RegistrySource {
  const value = spec.trim();
  if (value === '') throw new UserError('--registry is empty', { hint: 'pass a path, an http(s) URL or owner/repo' });
  if (/^https?:\/\//i.test(value)) return { kind: 'http', url: value.endsWith('/') ? `${value}registry.json` : value };
  if (/^file:\/\//i.test(value)) return { kind: 'file', path: fileURLToPath(value) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new UserError(`unsupported registry address "${value}"`, { hint: 'use a path, an http(s) URL or owner/repo' });
  }
  const github = OWNER_REPO.exec(value);
  if (github && !value.endsWith('.json') && !value.startsWith('.') && !localExists(resolve(cwd, value))) {
    return { kind: 'github', owner: github[1], repo: github[2] };
  }
  const expanded = value === '~' || value.startsWith('~/') ? `${home}${value.slice(1)}` : value;
  return { kind: 'file', path: isAbsolute(expanded) ? expanded : resolve(cwd, expanded) };
}

/** A short label for messages. */
export function describeSource(source: RegistrySource): string {
  return source.kind === 'file' ? source.path : source.kind === 'http' ? source.url : `github:${source.owner}/${source.repo}`;
}
