import type { Manifest } from '@runway/manifest';
import type { RegistryEntry } from '@runway/registry';
import type { Logger } from '@runway/log';
import type { ReleasePlan } from './plan-release';
import type { TargetAdapter, TargetState } from './targets/target-adapter';
import type { ReleaseAsset, ReleaseOptions } from './types';

/** A file of the release on local disk, ready to publish. */
export interface LocalAsset extends ReleaseAsset {
  path: string;
}

/** What earlier steps found out; each field is written by exactly one step. */
export interface ReleaseFacts {
  /** validating: the manifest and the release tag. */
  manifest?: Manifest;
  tag?: string;
  /** Set when the ref names another project or an umbrella tag: every later step skips. */
  notConcerned?: string;
  /** building: the package, its `.sha256` and its SBOM (`.cdx.json`), in that order. */
  assets?: LocalAsset[];
  /** planning: what the target holds now and what this release will do. */
  state?: TargetState;
  plan?: ReleasePlan;
  /** updating registry: the entry the registry holds for this release afterwards. */
  published?: RegistryEntry;
}

/** The small typed context every step sees: readonly options, adapters, and the facts so far. */
export interface ReleaseContext {
  readonly options: Readonly<ReleaseOptions>;
  readonly logger: Logger;
  readonly target: TargetAdapter;
  readonly now: () => Date;
  /** Private scratch directory of this run, removed at the end. */
  readonly workDir: string;
  readonly facts: ReleaseFacts;
}

/** One release step, in goreleaser's shape. */
export interface Step {
  /** Present participle: "publishing assets". */
  readonly name: string;
  /** True when the step changes anything outside this process: the runner skips it in dry-run. */
  readonly mutates: boolean;
  /** A reason to skip, or undefined to run. Must not have side effects. */
  skip?(ctx: ReleaseContext): string | undefined;
  run(ctx: ReleaseContext): Promise<void>;
}

/** Thrown by a step that finds its work already done: logged as a skip, not a failure. */
export class SkipStep extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SkipStep';
  }
}
