/** Pure: the prebuilt environment's tarball, `<name>-<version>-<platform>.tar.gz`. */
export function environmentFileName(name: string, version: string, platform: string): string {
  return `${name}-${version}-${platform}.tar.gz`;
}

/** Pure: the lock of exactly what went into one environment, written beside its tarball. */
export function environmentLockFileName(name: string, version: string, platform: string): string {
  return `${name}-${version}-${platform}.lock.json`;
}
