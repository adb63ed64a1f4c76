import type { Logger } from '@runway/log';
import type { Registry, RegistryEntry, RegistrySection } from '@runway/registry';
import type { LocalAsset } from '../release-context';
import type { ReleaseSource } from '../types';
import type { ReleaseSigning } from './release-signing';

/**
 * A change to the published registry: `apply` derives the new registry from the current one, or
 * says `unchanged` (nothing to write). Applied again on a moved GitHub branch, so it must be pure.
 */
export interface RegistryEdit<O extends string = string> {
  /** What it does, for the commit message and the log: "add python-3.11@1.4.0". */
  describe: string;
  apply(current: Registry): { registry: Registry; outcome: O | 'unchanged' };
}

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
  updateRegistry(section: RegistrySection, name: string, entry: RegistryEntry, logger: Logger): Promise<'added' | 'unchanged' | 'resigned'>;
  /**
   * The one way to write the published registry, used by `updateRegistry` and by every other
   * command that changes it (promote, deprecate, re-sign): applies `edit` to the current registry and
   * publishes the result as a signed index (serial + 1, fresh expiry, `registry.json.sig` over
   * exactly the bytes written; see `nextIndexFiles`), both files at once: the directory under its
   * lock, GitHub in one commit. Refuses (UserError) before writing when signing is required or the
   * index is already signed, and no key is configured. `resigned`: the content was unchanged but
   * its signature was missing or stale, so it was signed again.
   */
  editRegistry<O extends string>(edit: RegistryEdit<O>, logger: Logger): Promise<O | 'unchanged' | 'resigned'>;
  /** The signing key and policy of this workspace (loaded once per target). */
  signing(): Promise<ReleaseSigning>;
  /** Read-only: the published registry (empty when there is none yet, `exists` false) and where it lives. */
  readRegistry(): Promise<{ registry: Registry; location: string; exists: boolean }>;
  /** Read-only: whether the published registry is a signed index (it carries `serial`). */
  isIndexSigned(): Promise<boolean>;
  /** Where `download_url` can be fetched from: absolute URLs unchanged, relative ones resolved. */
  resolveDownload(url: string): string;
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
