import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, type FixtureFile } from '@runway/test-utils';

/**
 * A runtime that really installs and runs on this host: the files of runtimes/bash-5.2 (its setup
 * copies the host's bash into an isolated tree in about a second), named `name`, listing only the
 * host's platform, with `smoke` as its smoke command.
 */
export async function shellRuntime(name: string, platform: string, smoke?: string): Promise<Record<string, FixtureFile>> {
  const source = join(REPO_ROOT, 'runtimes', 'bash-5.2');
  const files: Record<string, FixtureFile> = {
    [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: 1.0.0\ndescription: "${name} test runtime"\nplatforms:\n  - ${platform}\n${smoke ? `smoke: ${smoke}\n` : ''}`,
  };
  for (const file of ['setup.sh', `setup-${platform}.sh`, 'lib/common.sh', 'lib/install.sh']) {
    const path = join(source, file);
    files[`runtimes/${name}/${file}`] = { content: await readFile(path, 'utf8'), mode: (await stat(path)).mode & 0o777 };
  }
  return files;
}
