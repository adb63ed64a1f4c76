import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryLogger } from '@runway/log';
import { releaseProject } from '../release-project';
import type { ReleaseOutcome } from '../types';
import { commitAll, git } from './fixtures';
import type { GitHubFixture } from './github-fixture';

/**
 * Releases `runtimes/alpha` at `version` to the GitHub fixture as a maintainer would: pull the
 * registry commits, set the version, commit, push, release.
 */
export async function releaseAlphaVersion(fx: GitHubFixture, version: string): Promise<ReleaseOutcome> {
  await git(fx.root, ['pull', '-q', '--rebase', 'origin', 'main']);
  await writeFile(join(fx.root, 'runtimes/alpha/manifest.yaml'), `name: alpha\nversion: ${version}\ndescription: "alpha test runtime"\nplatforms:\n  - ubuntu-amd64\n`);
  await commitAll(fx.root, `alpha ${version}`);
  await git(fx.root, ['push', '-q', 'origin', 'main']);
  return releaseProject({ workspaceRoot: fx.root, projectRoot: 'runtimes/alpha', dryRun: false, env: {}, renderer: 'silent', target: fx.target, github: fx.api(), logger: memoryLogger() });
}
