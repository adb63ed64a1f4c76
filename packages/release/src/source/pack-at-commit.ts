import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { mapFsError } from '@runway/atomic-write';
import { buildPackage, type PackResult } from '@runway/pack';

export interface PackAtCommitInput {
  workspaceRoot: string;
  projectRoot: string;
  commit: string;
  name: string;
  version: string;
  outDir: string;
  sourceDateEpoch?: string;
}

/**
 * The one place the release calls the packer: packs `projectRoot` as it is in `commit` (exactly
 * the files git tracks there, with git's modes; never the working tree) into `outDir`, with
 * every file hashed for the SBOM.
 */
export async function packAtCommit(input: PackAtCommitInput): Promise<PackResult & { sha256File: string }> {
  const tree = await mkdtemp(join(input.outDir, 'tree-'));
  try {
    // `git archive` writes the committed tree with git's modes (0755 for executables).
    await execa('git', ['archive', '--format=tar', input.commit, '--', input.projectRoot], { cwd: input.workspaceRoot })
      .pipe('tar', ['-x', '--no-same-owner', '-C', tree]);
    return await buildPackage({
      projectDir: join(tree, input.projectRoot), name: input.name, version: input.version, outDir: input.outDir,
      sourceDateEpoch: input.sourceDateEpoch, hashFiles: true,
    });
  } catch (err) {
    throw mapFsError(err, `pack ${input.projectRoot} at ${input.commit.slice(0, 12)}`);
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}
