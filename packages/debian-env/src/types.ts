import type { DebianMount } from '@runway/manifest';
import type { DebianPlatform } from './platforms';

/**
 * What a prebuilt environment is made from, as read from a runtime's manifest (`debian:` section,
 * `smoke:`, name and version). Plain data; see {@link definitionFromManifest}.
 */
export interface EnvironmentDefinition {
  name: string;
  version: string;
  description: string;
  /** The prebuilt platforms the manifest lists, e.g. `debian-amd64`. */
  platforms: DebianPlatform[];
  suite: string;
  /** Debian package names as written; their dependencies come along. */
  packages: string[];
  /** Extra job environment, on top of the defaults in `runtime.yml`. */
  environment: Record<string, string>;
  /** Extra mounts beyond bin, sbin, lib, lib64, usr, etc (read-only) and tmp (writable). */
  mounts: DebianMount[];
  /** argv run inside the fresh environment before packing; the build fails when it fails. */
  smoke?: string[];
}

/** One apt source the lock was resolved from (one-line `deb` form). */
export interface AptSource {
  uri: string;
  /** Codename of the archive: `bookworm`, `bookworm-updates`, `bookworm-security`. */
  suite: string;
  components: string[];
}

/** One Debian binary package exactly as installed. */
export interface LockedPackage {
  name: string;
  /** Debian version, epoch included (`1:1.24.2-1+deb12u1`). */
  version: string;
  /** `amd64`, `arm64` or `all`. */
  architecture: string;
  /** sha256 of the `.deb` file. */
  sha256: string;
  /** Size of the `.deb` in bytes. */
  size: number;
}

/** The locked package set of one platform. */
export interface LockedPlatform {
  architecture: string;
  /**
   * The `Date:` of each archive's signed Release file when the set was resolved, by codename: the
   * snapshot.debian.org timestamp that serves exactly these versions after the mirror moves on.
   */
  snapshot: Record<string, string>;
  /** Every package of the environment, sorted by name then architecture. */
  packages: LockedPackage[];
}

/**
 * `debian.lock.json`: exactly what goes into the prebuilt environments of one runtime, like a
 * package lock. Versioned with a discriminant; readers refuse versions they do not know.
 */
export interface DebianLock {
  version: 1;
  kind: 'debian-lock';
  suite: string;
  /** The manifest's `debian.packages` the lock was resolved for, sorted: a different list means a stale lock. */
  request: string[];
  sources: AptSource[];
  /** Keyed by platform (`debian-amd64`), in sorted order. */
  platforms: Record<string, LockedPlatform>;
}
