export { packTarball, DEFAULT_MTIME, type PackResult, type PackTarballOptions, type PackedFile } from './pack-tarball';
export { buildPackage, parseSourceDateEpoch, type BuildPackageOptions } from './build-package';
export { sha256File } from './sha256-file';
export { formatChecksumLine, writeChecksumFile } from './write-checksum-file';
export { listTree, checkLinkTarget, type TreeEntry } from './list-tree';
