import type { Logger } from '@runway/log';
import type { Registry, RegistryEntry, RegistrySection } from '@runway/registry';
import type { LocalAsset } from '../release-context';
import type { ReleaseSource } from '../types';

/** An asset as the target holds it now; `sha256` is known when the target reports or we hashed it. */
export interface ExistingAsset {
  name: string;
  size: number;
  sha256?: string;
}

/** What the target holds for one tag, read without changing anything. */
export interface TargetState {
  /** The registry as currently published (empty when there is none yet). */
  registry: Registry;
  /** Where that registry lives, for messages: a path or `owner/repo@branch:registry.json`. */
  registryLocation: string;
  /**
   * Whether the tag's release is published: a GitHub release that is no draft, or the tag's
   * folder in a directory registry (it appears in one rename, complete). Drafts never count.
   */
  published: boolean;
  /** Assets of the published release (empty when there is none). */
  assets: ExistingAsset[];
}

/**
 * One release destination, seen by the steps. Every mutating method is idempotent: called again
 * after a crash, it converges on the same end state. Dry-run never reaches them (the runner skips
 * mutating steps), so they take no dry-run flag.
 */
export interface TargetAdapter {
  readonly kind: 'directory' | 'github';
  /** Read-only: the current registry and what is already published under `tag`. */
  inspect(tag: string, assetNames: string[]): Promise<TargetState>;
  /**
   * Read-only, before anything changes: refuses (UserError) a release that cannot be tied to
   * `source`: the tag exists at another commit, or the commit is not on the remote.
   */
  checkSource(tag: string, source: ReleaseSource, logger: Logger): Promise<void>;
  /** The `download_url` a registry entry gets for `fileName` released under `tag`. */
  downloadUrl(tag: string, fileName: string): string;
  /** Human-readable list of the writes/calls the mutating steps would make, in order. */
  describeActions(input: { tag: string; source: ReleaseSource; section: RegistrySection; name: string; version: string; assets: LocalAsset[]; state: TargetState }): string[];
  /** Points the tag at `source.commit` (GitHub: pushed to origin; directory: a local tag). */
  tagCommit(tag: string, source: ReleaseSource, logger: Logger): Promise<'created' | 'unchanged'>;
  /** Publishes exactly `assets` under `tag`, exclusively: a concurrent release of other bytes loses. */
  publishAssets(tag: string, source: ReleaseSource, assets: LocalAsset[], logger: Logger): Promise<'published' | 'unchanged' | 'completed'>;
  /** Adds the entry to `section` of the published registry (only after its download was verified). */
  updateRegistry(section: RegistrySection, name: string, entry: RegistryEntry, logger: Logger): Promise<'added' | 'unchanged'>;
  /** Where `download_url` can be fetched from: absolute URLs unchanged, relative ones resolved. */
  resolveDownload(url: string): string;
  /** Read-only: the registry as published now, and where it lives (for messages). */
  readRegistry(): Promise<{ registry: Registry; location: string }>;
  /**
   * Replaces the published registry by `edit(current)`, `edit` applied to the registry as it is at
   * the moment of writing (GitHub: re-applied on a moved branch; directory: under the file lock).
   * `unchanged` (nothing written) when `edit` returns its argument. Every registry write of a
   * policy command (deprecate, promote) goes through here.
   */
  editRegistry(edit: (registry: Registry) => Registry, message: string, logger: Logger): Promise<'changed' | 'unchanged'>;
  /** Read-only: one file of the published release `tag`, or undefined when it has no such file. */
  readReleaseFile(tag: string, fileName: string): Promise<Buffer | undefined>;
  /**
   * Read-only: the release notes of the published release `tag` (GitHub: the release body;
   * directory: `NOTES.md` in the tag's folder, empty when absent), or undefined without a release.
   */
  readNotes(tag: string): Promise<string | undefined>;
  /** Replaces the release notes of the published release `tag`. */
  writeNotes(tag: string, body: string, logger: Logger): Promise<void>;
}
