export { packTarball, DEFAULT_MTIME, type PackResult, type PackTarballOptions, type PackedFile } from './pack-tarball';
export { buildPackage, parseSourceDateEpoch, type BuildPackageOptions } from './build-package';
export type { PackageSource } from './git-tree';
export { formatChecksumLine, writeChecksumFile } from './write-checksum-file';
