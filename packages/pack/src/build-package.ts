import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { DEFAULT_MTIME, packTarball, type PackResult } from './pack-tarball';
import { writeChecksumFile } from './write-checksum-file';

export interface BuildPackageOptions {
  projectDir: string;
  name: string;
  version: string;
  outDir: string;
  /** `SOURCE_DATE_EPOCH` as found in the environment: whole seconds, or undefined/empty for the default. */
  sourceDateEpoch?: string;
  /** Also report every packed file with its sha256 (`files` of the result); see `PackTarballOptions.hashFiles`. */
  hashFiles?: boolean;
}

/**
 * Builds one project: `<outDir>/<name>-<version>.tar.gz` holding `<name>/…`, then `<file>.sha256`
 * next to it. The checksum file is written last, so its presence means the tarball is complete.
 */
export async function buildPackage(options: BuildPackageOptions): Promise<PackResult & { sha256File: string }> {
  const { projectDir, name, version, outDir } = options;
  const mtime = parseSourceDateEpoch(options.sourceDateEpoch);
  await mkdir(outDir, { recursive: true });
  const packed = await packTarball({ sourceDir: projectDir, prefix: name, outFile: join(outDir, `${name}-${version}.tar.gz`), mtime, hashFiles: options.hashFiles });
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
