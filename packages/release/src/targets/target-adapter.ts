import type { Logger } from '@runway/log';
import type { Registry, RegistryEntry, RegistrySection } from '@runway/registry';
import type { LocalAsset } from '../step';

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
  /** GitHub only: the release for the tag, if any. The directory target has no release object. */
  release?: { draft: boolean };
  /** Assets already stored under the tag. */
  assets: ExistingAsset[];
}

/**
 * One release destination, seen by the steps. Every mutating method is idempotent: called again
 * after a crash, it converges on the same end state. Dry-run never reaches them (the runner skips
 * mutating steps), so they take no dry-run flag.
 */
export interface TargetAdapter {
  readonly kind: 'directory' | 'github';
  /** Read-only: the current registry and what already exists under `tag`. */
  inspect(tag: string, assetNames: string[]): Promise<TargetState>;
  /** The `download_url` a registry entry gets for `fileName` released under `tag`. */
  downloadUrl(tag: string, fileName: string): string;
  /** Human-readable list of the writes/calls `publishAssets` + `updateRegistry` + `finalize` would make. */
  describeActions(input: { tag: string; section: RegistrySection; name: string; version: string; assets: LocalAsset[]; state: TargetState }): string[];
  /** Stores the assets under `tag` (a draft release on GitHub); identical existing ones are kept. */
  publishAssets(tag: string, assets: LocalAsset[], logger: Logger): Promise<void>;
  /** Adds the entry to `section` of the published registry (never before the assets are in place). */
  updateRegistry(section: RegistrySection, name: string, entry: RegistryEntry, logger: Logger): Promise<'added' | 'unchanged'>;
  /** Makes the release visible (GitHub: draft → published). Undefined when the target has no such state. */
  finalize?(tag: string, logger: Logger): Promise<'published' | 'unchanged'>;
  /** Where `download_url` can be fetched from: absolute URLs unchanged, relative ones resolved. */
  resolveDownload(url: string): string;
}
