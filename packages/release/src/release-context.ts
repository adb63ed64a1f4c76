import type { Manifest } from '@runway/manifest';
import type { RegistryEntry } from '@runway/registry';
import type { Logger } from '@runway/log';
import type { ReleasePlan } from './plan-release';
import type { StepContext } from './step';
import type { TargetAdapter, TargetState } from './targets/target-adapter';
import type { ReleaseAsset, ReleaseOptions, ReleaseSource } from './types';

/** A file of the release on local disk, ready to publish. */
export interface LocalAsset extends ReleaseAsset {
  path: string;
}

/** What earlier steps found out; each field is written by exactly one step. */
export interface ReleaseFacts {
  /** checking working tree: the commit released. */
  source?: ReleaseSource;
  /** validating: the manifest and the release tag. */
  manifest?: Manifest;
  tag?: string;
  /** Set when the ref names another project or an umbrella tag: every later step skips. */
  notConcerned?: string;
  /** building: the package, its `.sha256` and its SBOM (`.cdx.json`), in that order. */
  assets?: LocalAsset[];
  /** checking package: how many entries the client's extractor unpacked from the fresh package. */
  unpacked?: number;
  /** planning: what the target holds now and what this release will do. */
  state?: TargetState;
  plan?: ReleasePlan;
  /** verifying: the published download served exactly the package (and its SBOM). */
  verified?: boolean;
  /** updating registry: the entry the registry holds for this release afterwards. */
  published?: RegistryEntry;
}

/** The small typed context every release step sees: readonly options, adapters, and the facts so far. */
export interface ReleaseContext extends StepContext {
  readonly options: Readonly<ReleaseOptions>;
  readonly logger: Logger;
  readonly target: TargetAdapter;
  readonly now: () => Date;
  /** Private scratch directory of this run, removed at the end. */
  readonly workDir: string;
  readonly facts: ReleaseFacts;
}
