import { createGitHubApi } from '@runway/publisher-github';
import type { ReleaseOptions } from '../types';
import { directoryTarget } from './directory-target';
import { githubTarget } from './github-target';
import { releaseSigningLoader } from './release-signing';
import type { TargetAdapter } from './target-adapter';

/** The adapter for `options.target`; the GitHub API client is injected in tests. */
export function createTargetAdapter(options: ReleaseOptions, now: () => Date): TargetAdapter {
  const { target, workspaceRoot } = options;
  const signing = releaseSigningLoader(options.env, workspaceRoot);
  if (target.kind === 'directory') return directoryTarget({ dir: target.dir, baseUrl: target.baseUrl, workspaceRoot, now, signing });
  const api = options.github ?? createGitHubApi({ token: target.token, repository: target.repository, apiUrl: target.apiUrl, logger: options.logger });
  return githubTarget({ api, serverUrl: target.serverUrl, repository: target.repository, workspaceRoot, now, signing });
}
