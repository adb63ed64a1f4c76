export interface PublishRunenvImageExecutorSchema {
  /** Print the images, tags and labels that would be published; build and push nothing. */
  dryRun?: boolean;
  /** Registry prefix for the images, e.g. ghcr.io/acme. Default: RUNWAY_IMAGE_REGISTRY. */
  registry?: string;
  /** KM mode: tag `latest` and the full commit SHA whatever the ref. */
  km?: boolean;
  /** The branch whose pushes publish edge and nightly tags (default `main`). */
  defaultBranch?: string;
  /** Versions already published (tags or bare versions). Default: the repository's git tags. */
  published?: string[];
  /** For a payload built from a runtime: the Debian platform of its environment. Default: this machine's. */
  platform?: string;
  /** For a payload built from a runtime: where its build put the environments (inferred: `<distDir>/runtimes/<runtime>`). */
  environmentDir?: string;
}
