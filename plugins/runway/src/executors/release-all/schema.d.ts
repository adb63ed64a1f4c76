export interface ReleaseAllExecutorSchema {
  /** Umbrella tag to release instead of reading GITHUB_REF. */
  tag?: string;
  /** Umbrella tags (glob patterns allowed) that are replaced instead of refused. Default ["v0.1-test"]. */
  overridableTags?: string[];
  /** Print the whole plan and change nothing. */
  dryRun?: boolean;
  /** Release into this directory registry (relative to the workspace root). */
  registryDir?: string;
  /** Absolute base URL the directory registry is served from. */
  baseUrl?: string;
  /** Release policy (changelog gate, signed tags, signersRef); read by every release through packages/release/src/policy. */
  policy?: Record<string, unknown>;
}
