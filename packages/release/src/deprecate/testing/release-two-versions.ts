import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { memoryLogger } from '@runway/log';
import type { FixtureFile } from '@runway/test-utils';
import { releaseProject } from '../../release-project';
import { commitAll, gitWorkspace } from '../../testing/fixtures';

/**
 * A git workspace holding `files` whose project `projectRoot` is released for real into the
 * directory registry `dist/registry` at `first`, then bumped to `second` in a commit and released
 * again: the two published versions a deprecation chooses between.
 */
export async function releaseTwoVersions(files: Record<string, FixtureFile>, projectRoot: string, first: string, second: string) {
  const { root } = await gitWorkspace(files);
  const dir = join(root, 'dist/registry');
  const target = { kind: 'directory' as const, dir };
  const release = () => releaseProject({ workspaceRoot: root, projectRoot, target, dryRun: false, env: {}, logger: memoryLogger(), renderer: 'silent' });
  await expect(release()).resolves.toMatchObject({ status: 'released' });
  const manifest = join(root, projectRoot, 'manifest.yaml');
  await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(`version: ${first}`, `version: ${second}`));
  await commitAll(root, `${projectRoot} ${second}`);
  await expect(release()).resolves.toMatchObject({ status: 'released' });
  return { root, dir, target };
}
