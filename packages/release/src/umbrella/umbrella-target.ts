import type { ExistingUmbrella, UmbrellaPublication } from '@runway/release-policy';
import type { LocalAsset } from '../release-context';
import type { UmbrellaDocument } from './umbrella-document';

/** What an umbrella target holds for a tag before anything changes. */
export interface UmbrellaState {
  /** Where the tag points, when the target has tags (GitHub); undefined otherwise or when absent. */
  tagSha?: string;
  /** The published umbrella release of the tag (drafts never count). */
  existing?: ExistingUmbrella;
}

/** Where umbrella releases go: the directory registry or a GitHub repository. */
export interface UmbrellaTarget {
  /** Read-only: the current state for `tag`; refuses (UserError) a target that cannot be used. */
  inspect(tag: string): Promise<UmbrellaState>;
  /**
   * Applies a decided publication with `umbrella.json` and `assets`: the trust files (`SHA256SUMS`,
   * and when signed its signature and the provenance) and, for a release candidate, every file it
   * publishes; safe to run again with the same arguments. Returns where it went.
   * `makeLatest`: GitHub's "Latest" badge, from the latest decision.
   */
  publish(publication: UmbrellaPublication, doc: UmbrellaDocument, options: { prerelease: boolean; makeLatest: boolean; assets: readonly LocalAsset[] }): Promise<string>;
  /**
   * How an RC's registry file names `file` of the release `tag`: relative to that file in a
   * directory registry (they share a folder), the absolute download URL on GitHub.
   */
  fileUrl(tag: string, file: string): string;
}
