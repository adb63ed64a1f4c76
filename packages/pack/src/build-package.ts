import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { mapFsError } from '@runway/atomic-write';
import { gitTreeSource, type PackageSource } from './git-tree';
import { checkArchiveOptions, DEFAULT_MTIME, writeArchive, type PackResult } from './pack-tarball';
import { writeChecksumFile } from './write-checksum-file';

export interface BuildPackageOptions {
  /** The project folder (absolute, or relative to the process cwd), a folder inside a git repository. */
  projectDir: string;
  name: string;
  version: string;
  outDir: string;
  /**
   * What to pack, always exactly what git tracks with git's modes: `{ commit }` for the project's
   * tree at that commit (a release; nothing is read from the working tree), `'working-tree'` for
   * git's index entries with their content on disk (the `build` target). See {@link PackageSource}.
   */
  source: PackageSource;
  /** `SOURCE_DATE_EPOCH` as found in the environment: whole seconds, or undefined/empty for the default. */
  sourceDateEpoch?: string;
  /** Also report every packed file with its sha256 (`files` of the result); see `PackTarballOptions.hashFiles`. */
  hashFiles?: boolean;
}

/**
 * Builds one project: `<outDir>/<name>-<version>.tar.gz` holding `<name>/` with exactly the files
 * git tracks in `projectDir` (untracked and ignored files never), then `<file>.sha256` next to it.
 * The checksum file is written last, so its presence means the tarball is complete. Two builds of
 * the same commit give the same bytes on any machine with the same zlib; for a clean checkout the
 * working-tree source gives the same bytes as its commit.
 * @throws UserError outside a git repository, when git tracks nothing there, for a submodule, a
 *   link that leaves the project, a tracked file missing from the working tree, or a bad epoch.
 */
export async function buildPackage(options: BuildPackageOptions): Promise<PackResult & { sha256File: string }> {
  const { projectDir, name, version, outDir } = options;
  const archive = { prefix: name, outFile: join(outDir, `${name}-${version}.tar.gz`), mtime: parseSourceDateEpoch(options.sourceDateEpoch), hashFiles: options.hashFiles };
  checkArchiveOptions(archive);
  await mkdir(outDir, { recursive: true }).catch((err) => { throw mapFsError(err, `create ${outDir}`); });
  const packed = await writeArchive(await gitTreeSource(projectDir, options.source), archive);
  const sha256Path = `${packed.path}.sha256`;
  await writeChecksumFile(sha256Path, packed.sha256, packed.fileName);
  return { ...packed, sha256File: sha256Path };
}

/** Pure: the archive mtime from `SOURCE_DATE_EPOCH` (reproducible-builds.org), or the fixed default. */
export function parseSourceDateEpoch(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MTIME;
  if (!/^\d+$/.test(value.trim())) {
    throw new UserError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${value}"`, {
      hint: 'e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it to use the fixed default',
    });
  }
  return Number(value.trim());
}
