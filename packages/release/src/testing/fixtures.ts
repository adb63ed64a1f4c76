import { execa } from 'execa';
import { testdir, type FixtureFile } from '@runway/test-utils';

/** The git identity every test commit and tag is made with: a fresh machine has none. */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Runway Test', GIT_AUTHOR_EMAIL: 'test@runway.invalid',
  GIT_COMMITTER_NAME: 'Runway Test', GIT_COMMITTER_EMAIL: 'test@runway.invalid',
};

/** Files of a minimal valid runtime `runtimes/<name>/` for release tests. */
export function runtimeFiles(name: string, version = '1.0.0', setup = 'echo setting up\n'): Record<string, FixtureFile> {
  return {
    [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: "${name} test runtime"\nplatforms:\n  - ubuntu-amd64\n`,
    [`runtimes/${name}/setup.sh`]: { content: `#!/bin/sh\n${setup}`, mode: 0o755 },
    [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  };
}

/** Files of a minimal valid payload `payloads/<name>/` (manifest, Dockerfile, one context file). */
export function payloadFiles(name: string, version = '0.1.0'): Record<string, FixtureFile> {
  return {
    [`payloads/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: "${name} test payload"\n`,
    [`payloads/${name}/Dockerfile`]: 'FROM scratch\nCOPY rootfs/ /\n',
    [`payloads/${name}/rootfs/etc/${name}.conf`]: `${name}=1\n`,
  };
}

/** Runs git in `cwd` with the test identity; returns trimmed stdout. */
export async function git(cwd: string, args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: { ...process.env, ...GIT_ENV } })).stdout;
}

/**
 * A git repository holding `files` in one commit on `main` (`dist/` ignored, as in the real
 * repository), removed when the test ends. With `origin`, a bare repository is added as its
 * remote and `main` pushed to it.
 */
export async function gitWorkspace(files: Record<string, FixtureFile>, options: { origin?: boolean } = {}): Promise<{ root: string; bare?: string }> {
  const root = await testdir({ '.gitignore': 'dist/\n', ...files });
  await git(root, ['init', '-q', '-b', 'main']);
  await git(root, ['add', '-A']);
  await git(root, ['commit', '-q', '-m', 'initial']);
  if (!options.origin) return { root };
  const bare = await testdir();
  await git(bare, ['init', '-q', '--bare', '-b', 'main']);
  await git(root, ['remote', 'add', 'origin', bare]);
  await git(root, ['push', '-q', '-u', 'origin', 'main']);
  return { root, bare };
}

/** Commits everything in `root` (e.g. after a test changed a file). */
export async function commitAll(root: string, message = 'change'): Promise<string> {
  await git(root, ['add', '-A']);
  await git(root, ['commit', '-q', '-m', message]);
  return git(root, ['rev-parse', 'HEAD']);
}
