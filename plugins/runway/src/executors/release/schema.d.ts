export interface ReleaseExecutorSchema {
  /** Print the exact plan (tag, files, checksums, registry diff, calls) and change nothing. */
  dryRun?: boolean;
  /** Release into this directory registry (relative to the workspace root) instead of GitHub or dist/registry. */
  registryDir?: string;
  /** Absolute base URL the directory registry is served from. */
  baseUrl?: string;
}
