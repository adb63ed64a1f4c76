// Pure: definitions, lock format, runtime.yml, links, mmdebstrap argv, SBOM input.
export type { AptSource, DebianLock, EnvironmentDefinition, LockedPackage, LockedPlatform } from './types';
export { DEBIAN_PLATFORM_ARCHES, isDebianPlatform, debianArchOf, platformSupport, type BuildHostFacts, type DebianArch, type DebianPlatform, type PlatformSupport } from './platforms';
export { definitionFromManifest, hasEnvironment } from './environment-definition';
export { defaultSources, sourceLine, DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR } from './apt-sources';
export { parseLock, serializeLock, sortPackages, LOCK_KIND, LOCK_VERSION } from './lock-format';
export { lockProblems, assertLockFits, compareInstalled, parseDpkgQuery, debFileName, type InstalledPackage, type InstallDifference } from './check-lock';
export { runtimeYmlFor, serializeRuntimeYml, DEFAULT_ENVIRONMENT, READ_ONLY_FOLDERS, type RuntimeYml } from './runtime-yml';
export { chrootRelativeTarget } from './chroot-link';
export { LEAN_HOOK } from './mmdebstrap-args';
export { debianPurl, lockPurls, lockComponents } from './sbom-components';
export { debCacheDir } from './deb-cache-dir';
export { environmentFileName, environmentLockFileName } from './artifact-names';
// Effectful edges.
export { availablePlatforms, builderFingerprint, describePlatformSupport } from './host-tools';
export { readLock, writeLock, lockPathOf, readRuntimeManifest } from './lock-file';
export { refreshLock, resolvePlatform, type RefreshLockOptions, type RefreshedLock, type LockChange } from './refresh-lock';
export { buildEnvironment, rootfsKey, ROOTFS_RECIPE, type BuildEnvironmentOptions, type BuiltEnvironment, type BuildTimings } from './build-environment';
export { builderCodeHash, environmentCacheKey, EnvironmentCache, type CachedEnvironment, type EnvironmentKeyInput } from './build-cache';
export { buildEnvironments, type BuildEnvironmentsOptions, type BuiltEnvironments, type BuiltEnvironmentWithSbom } from './build-environments';
