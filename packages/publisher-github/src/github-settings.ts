import { UserError } from '@runway/errors';

/** Where and as whom to publish on GitHub. */
export interface GitHubSettings {
  token: string;
  /** `owner/repo`. */
  repository: string;
  /** REST base, e.g. `https://api.github.com` or `https://ghes.example/api/v3`. */
  apiUrl: string;
  /** Web base, e.g. `https://github.com`. */
  serverUrl: string;
}

/** Splits `owner/repo`, refusing anything else with a fix. */
export function parseRepository(repository: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(repository.trim());
  if (!m) {
    throw new UserError(`GITHUB_REPOSITORY must be "owner/repo", got "${repository}"`, { hint: 'e.g. GITHUB_REPOSITORY=acme/runtimes' });
  }
  return { owner: m[1], repo: m[2] };
}

/**
 * Reads GitHub settings from the environment (the variables GitHub Actions sets). Returns
 * undefined when GITHUB_REPOSITORY and GITHUB_API_URL are both absent: a GITHUB_TOKEN alone is
 * common in developer shells and must not switch publishing to GitHub. Throws a `UserError`
 * naming the missing variable when the settings are half there.
 */
export function githubSettingsFromEnv(env: NodeJS.ProcessEnv): GitHubSettings | undefined {
  const repository = env.GITHUB_REPOSITORY?.trim();
  const token = env.GITHUB_TOKEN?.trim();
  if (!repository && !env.GITHUB_API_URL) return undefined;
  if (!repository) {
    throw new UserError('GITHUB_API_URL is set but GITHUB_REPOSITORY is not', { hint: 'set GITHUB_REPOSITORY=owner/repo, or unset GITHUB_API_URL to publish to the local directory target' });
  }
  parseRepository(repository);
  if (!token) {
    throw new UserError(`GITHUB_REPOSITORY is set (${repository}) but GITHUB_TOKEN is not`, {
      hint: 'export GITHUB_TOKEN with contents:write on the repository (in Actions: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }})',
    });
  }
  return {
    token,
    repository,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
  };
}
