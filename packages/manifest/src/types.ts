/** Which top-level folder a project lives in: `runtimes/<name>/` or `payloads/<name>/`. */
export type ProjectKind = 'runtime' | 'payload';

/** `manifest.yaml` as written: every field optional and untyped until validated. */
export interface ManifestInput {
  name?: unknown;
  version?: unknown;
  description?: unknown;
  platforms?: unknown;
  packages?: unknown;
  extends?: unknown;
  runtime?: unknown;
  aliases?: unknown;
  dockerfile?: unknown;
  smoke?: unknown;
  debian?: unknown;
}

/** A validated, normalised manifest. */
export interface Manifest {
  kind: ProjectKind;
  name: string;
  /** Strict `MAJOR.MINOR.PATCH`. */
  version: string;
  description: string;
  /** Platforms the runtime supports, e.g. `ubuntu-amd64`; each has a `setup-<platform>.sh`. */
  platforms: string[];
  /** Pinned packages the setup installs, informational (`numpy==1.26.4`). */
  packages: string[];
  /** Name of the runtime this one builds on: an Nx graph edge, so dependents rebuild. */
  extends?: string;
  /**
   * Payloads only: the runtime (folder `runtimes/<name>/`) whose prebuilt Debian environment is the
   * image's root filesystem. An Nx graph edge: a change to the runtime makes the payload affected.
   */
  runtime?: string;
  /** Payloads only: extra image names that receive the same tags (`runenv-python-3.11`). */
  aliases: string[];
  /** Payloads only: the Dockerfile, relative to the payload folder. */
  dockerfile: string;
  /**
   * Command that must succeed inside a freshly built environment before it is packed, as an argv
   * array. Written as a string it runs through the environment's own shell: `['/bin/sh', '-c', text]`.
   */
  smoke?: string[];
  /** Runtimes only: the prebuilt Debian environment of the `debian-*` platforms. */
  debian?: DebianEnvironmentSpec;
}

/**
 * The `debian:` section of a runtime manifest: what a prebuilt `debian-<arch>` environment holds.
 * Versions are not written here: they live in the lock next to the manifest (`debian.lock.json`).
 */
export interface DebianEnvironmentSpec {
  /** Debian release codename, e.g. `bookworm`. */
  suite: string;
  /** Debian package names to install (their dependencies come along), sorted as written. */
  packages: string[];
  /** Extra environment of every job, added to the defaults in `runtime.yml`. */
  environment: Record<string, string>;
  /** Extra folders of the environment mounted into jobs, beyond bin, lib, usr, etc and tmp. */
  mounts: DebianMount[];
}

/** One extra mount: an absolute path inside the environment, mounted at the same path. */
export interface DebianMount {
  path: string;
  writable: boolean;
}

/** One problem found in a project, with where it is and how to fix it. */
export interface Issue {
  severity: 'error' | 'warning';
  /** Path of the offending file, relative to the workspace root. */
  file: string;
  /** Stable rule id, e.g. `version-format`. */
  rule: string;
  message: string;
  fix: string;
  line?: number;
  column?: number;
}

export interface ManifestResult {
  manifest?: Manifest;
  errors: Issue[];
  warnings: Issue[];
}

/**
 * What validation knows of a top-level file of the project folder: how git records it (what a
 * package holds) and how it is on disk (only to explain a difference).
 */
export interface ProjectFile {
  name: string;
  /** git's index entry, or undefined when git does not track the file. */
  tracked?: { executable: boolean };
  /** The file in the working tree, or undefined when it is not there; `ignored` when a .gitignore matches it. */
  disk?: { executable: boolean; ignored: boolean };
}
