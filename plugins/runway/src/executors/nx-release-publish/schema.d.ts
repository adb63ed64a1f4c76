export interface NxReleasePublishExecutorSchema {
  /** Print the exact plan and change nothing (`nx release publish --dry-run`). */
  dryRun?: boolean;
  /** Release into this directory registry (relative to the workspace root). */
  registryDir?: string;
  /** Absolute base URL the directory registry is served from. */
  baseUrl?: string;
  /** Options Nx Release passes to every publish executor; accepted so validation passes, not used. */
  firstRelease?: boolean;
  nxReleaseVersionData?: Record<string, unknown>;
  registry?: string;
  tag?: string;
  otp?: number;
  access?: string;
}
