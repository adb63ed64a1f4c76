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

/** One prebuilt environment of the release: its platform and the names of its four assets. */
export interface BuiltEnvironmentAssets {
  platform: string;
  /** `<name>-<version>-<platform>.tar.gz`, with its `.sha256`. */
  tarball: LocalAsset;
  checksumFile: LocalAsset;
  /** `<name>-<version>-<platform>.lock.json`: exactly what went in. */
  lock: LocalAsset;
  /** `<name>-<version>-<platform>.cdx.json`: its Debian packages as purls. */
  sbom: LocalAsset;
}

/** A committed file a build read, named by its path in the repository (e.g. `runtimes/node-18/debian.lock.json`). */
export interface BuildInput {
  name: string;
  sha256: string;
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
  /**
   * building environments: the prebuilt environments built from the release commit, one per
   * platform this machine can build (their files are in `assets` too, after the package's).
   */
  environments?: BuiltEnvironmentAssets[];
  /**
   * building environments: files of the release commit that decided the artifacts' bytes beyond
   * the packed project (each prebuilt runtime's `debian.lock.json`), for the provenance.
   */
  buildInputs?: BuildInput[];
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
