import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '@runway/errors';
import { githubSettingsFromEnv } from '@runway/publisher-github';
import type { ReleaseTarget } from './types';

/** Overrides from executor options or CLI flags; they win over the environment. */
export interface ReleaseTargetOverrides {
  registryDir?: string;
  baseUrl?: string;
}

/**
 * Picks the release target: GitHub when `GITHUB_TOKEN` + `GITHUB_REPOSITORY` (and friends) are set,
 * otherwise the embedded directory registry at `<workspace>/dist/registry` (`RUNWAY_REGISTRY_DIR`,
 * `RUNWAY_BASE_URL` or the overrides change it). Reads only the `env` it is given.
 */
export function resolveReleaseTarget(env: NodeJS.ProcessEnv, workspaceRoot: string, overrides: ReleaseTargetOverrides = {}): ReleaseTarget {
  const github = githubSettingsFromEnv(env);
  const registryDir = overrides.registryDir ?? env.RUNWAY_REGISTRY_DIR;
  if (github && registryDir === undefined) {
    return { kind: 'github', token: github.token, repository: github.repository, apiUrl: github.apiUrl, serverUrl: github.serverUrl };
  }
  const baseUrl = overrides.baseUrl ?? env.RUNWAY_BASE_URL;
  if (baseUrl !== undefined && !/^(https?|file):\/\//.test(baseUrl)) {
    throw new UserError(`base URL must be absolute (http, https or file), got "${baseUrl}"`, {
      hint: 'e.g. --baseUrl=https://runtimes.example.com, or leave it out for relative download URLs',
    });
  }
  const dir = registryDir === undefined ? join(workspaceRoot, 'dist', 'registry')
    : isAbsolute(registryDir) ? registryDir : resolve(workspaceRoot, registryDir);
  return { kind: 'directory', dir, ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}) };
}
