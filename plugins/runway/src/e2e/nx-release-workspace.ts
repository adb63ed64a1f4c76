import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { REPO_ROOT, testdir, type NxWorkspace } from '@runway/test-utils';

/**
 * Runs `nx release …` in a throwaway workspace. `NxWorkspace.nx` appends `--outputStyle`, which
 * `nx release` rejects as an unknown argument, so release commands go through here.
 */
export function nxRelease(ws: NxWorkspace, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Result> {
  return execa(join(REPO_ROOT, 'node_modules', '.bin', 'nx'), ['release', ...args], {
    cwd: ws.dir, env: { ...ws.env, ...extraEnv }, reject: false, all: true,
  });
}

/** Gives the workspace a bare repository as `origin` with `main` pushed; returns its path. */
export async function addBareOrigin(ws: NxWorkspace): Promise<string> {
  const origin = await testdir();
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  await ws.git(['remote', 'add', 'origin', origin]);
  await ws.git(['push', '-q', '-u', 'origin', 'main']);
  return origin;
}

/**
 * The root project.json with the release policy switched off (no changelog gate, no signed tags):
 * for specs about the release mechanics; the policy has its own specs in @runway/release.
 */
export function withoutReleasePolicy(projectJson: string): string {
  const project = JSON.parse(projectJson);
  project.targets.release.options.policy = { changelog: { scope: 'none' }, signedTags: { stable: 'optional' } };
  return `${JSON.stringify(project, null, 2)}\n`;
}
