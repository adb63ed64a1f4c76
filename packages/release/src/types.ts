import type { Logger } from '@runway/log';
import type { RegistryEntry } from '@runway/registry';
import type { GitHubApi } from '@runway/publisher-github';
import type { ReleasePolicy } from './policy/policy-config';
import type { Renderer } from './runner';

/** Where a release goes: a static directory registry (the default) or a GitHub repository. */
export type ReleaseTarget =
  | {
    kind: 'directory';
    /** Absolute path of the registry directory, default `<workspace>/dist/registry`. */
    dir: string;
    /** Absolute base URL for `download_url`; without it the URLs are relative (`releases/download/<tag>/<file>`). */
    baseUrl?: string;
  }
  | { kind: 'github'; token: string; repository: string; apiUrl: string; serverUrl: string };

/**
 * The commit a release is built from (decision: never the working tree). `commit` is packed and
 * tagged; `pushed` is the commit that must be on the remote before anything is published: the
 * same commit, or, for the release commit of a bulk `vX.Y.Z` release (made by Runway, reachable
 * only through its tags), the tagged commit it is a child of.
 */
export interface ReleaseSource {
  commit: string;
  pushed: string;
}

/** Everything `releaseProject` needs; adapters (GitHub, clock) are injectable for tests. */
export interface ReleaseOptions {
  workspaceRoot: string;
  /** Project folder relative to the workspace root, e.g. `runtimes/python-3.11`. */
  projectRoot: string;
  target: ReleaseTarget;
  /** Print the plan and change nothing: the runner skips every mutating step. */
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** `GITHUB_REF` of the triggering event; a `refs/tags/...` ref is checked against the manifest. */
  ref?: string;
  /**
   * The commit to release, already checked by the caller (a batch checks the working tree once).
   * Default: `HEAD`, after refusing a dirty working tree (a dry run only warns).
   */
  source?: ReleaseSource;
  renderer?: Renderer;
  /** Injected GitHub adapter (tests); built from `target` otherwise. */
  github?: GitHubApi;
  now?: () => Date;
  /** The release policy (changelog gate, signed tags); default: read from the root `project.json`. */
  policy?: ReleasePolicy;
}

/** One file of a release as published. */
export interface ReleaseAsset {
  name: string;
  sha256: string;
  size: number;
}

/** What happened to one project. `planned` is the dry-run answer. */
export interface ReleaseOutcome {
  project: string;
  tag: string;
  status: 'released' | 'already-released' | 'skipped' | 'planned';
  reason?: string;
  /** The commit the package was built from. */
  commit?: string;
  entry?: RegistryEntry;
  assets: ReleaseAsset[];
}
