import { UserError } from '@runway/errors';
import { parseReleaseRef, type ReleaseRef } from './release-ref';
import { compareSemver, formatSemver, isStable, parseSemver, type SemVer } from './semver';

/** GitHub events that may publish images; others are refused so a pull request never pushes. */
export const PUBLISH_EVENTS = ['push', 'tag', 'workflow_dispatch'] as const;
export type PublishEvent = (typeof PUBLISH_EVENTS)[number];

export interface ImageTagsInput {
  /** Git ref that triggered the publish: `refs/heads/main`, `refs/tags/v1.2.3`, `refs/tags/python@1.2.3`. */
  ref: string;
  /** Full 40-hex commit SHA. */
  sha: string;
  /** Triggering event (default `push`). */
  event?: string;
  /** Build time; the nightly tag uses its UTC date. Passed in: this module reads no clock. */
  date: Date;
  /** Default `main`. */
  defaultBranch?: string;
  /**
   * Versions already published, as tags or bare versions (`v1.3.0`, `python@1.3.0`, `1.3.0`).
   * Only stable versions of the ref's own stream count; unparsable entries are ignored because
   * repositories carry other tags (`v0.1-test`). Undefined means unknown: then the moving tags of a
   * stable version cannot be decided and this refuses (an empty list means "none published").
   */
  published?: readonly string[];
  /** KM mode: `latest` and the full SHA, whatever the ref. */
  km?: boolean;
}

const SHA_PATTERN = /^[0-9a-f]{40}$/;

/**
 * Pure: the channel tags of a runenv image (without the image name), following the SPEC §7 table:
 * default-branch push → `edge`, `nightly-YYYY-MM-DD`, `sha-<7>`; pre-release tag → `X.Y.Z-pre`,
 * `sha-<7>`; stable tag → `X.Y.Z`, `X.Y` / `X` / `latest` when it is the highest of its line among
 * the published stable versions (never `X` before 1.0), `sha-<7>`. A push to another branch gives
 * no tags. Build metadata is dropped.
 * @throws UserError (exit code 2) for an invalid ref, SHA or event.
 */
export function computeImageTags(input: ImageTagsInput): string[] {
  const sha = input.sha.trim().toLowerCase();
  if (!SHA_PATTERN.test(sha)) {
    throw new UserError(`invalid commit SHA "${input.sha}": expected 40 hexadecimal characters`, { hint: 'pass the full SHA, e.g. from git rev-parse HEAD', exitCode: 2 });
  }
  const event = input.event ?? 'push';
  if (!(PUBLISH_EVENTS as readonly string[]).includes(event)) {
    throw new UserError(`event "${event}" does not publish images`, { hint: `use one of ${PUBLISH_EVENTS.join(', ')}`, exitCode: 2 });
  }
  const ref = parseReleaseRef(input.ref, input.defaultBranch ?? 'main');
  if (event === 'tag' && ref.kind === 'branch') {
    throw new UserError(`event "tag" but ref "${input.ref}" is a branch`, { hint: 'pass the tag ref, e.g. refs/tags/v1.2.3', exitCode: 2 });
  }
  if (input.km) return ['latest', sha];

  const shaTag = `sha-${sha.slice(0, 7)}`;
  if (ref.kind === 'branch') {
    return ref.isDefault ? ['edge', `nightly-${utcDate(input.date)}`, shaTag] : [];
  }
  if (input.published === undefined && isStable(ref.version)) {
    throw new UserError(`cannot decide the moving tags (X.Y, X, latest) of ${ref.tag}: the versions already published are unknown`, {
      hint: 'pass them (runway image-tags --published <versions…>, or the executor option "published"), or run in a full clone with every tag (git fetch --tags --unshallow)',
    });
  }
  return [...versionTags(ref.version, publishedVersions(input.published ?? [], ref)), shaTag];
}

/**
 * Pure: does computing the tags for this input need the published versions? Only a stable version
 * tag outside KM mode does (its `X.Y`, `X` and `latest` depend on them); callers skip reading tags otherwise.
 * @throws UserError (exit code 2) for an invalid ref.
 */
export function needsPublishedVersions(input: Pick<ImageTagsInput, 'ref' | 'defaultBranch' | 'km'>): boolean {
  if (input.km) return false;
  const ref = parseReleaseRef(input.ref, input.defaultBranch ?? 'main');
  return ref.kind !== 'branch' && isStable(ref.version);
}

/**
 * Pure: the version tags for `version` given the stable versions already published in its stream
 * (whether or not they include `version` itself): `X.Y.Z[-pre]`, then `X.Y`, `X` and `latest` where
 * it is the highest of the respective line. A lower version (a backport) never takes them.
 */
export function versionTags(version: SemVer, published: readonly SemVer[]): string[] {
  const tags = [formatSemver(version)];
  if (!isStable(version)) return tags;
  const isHighestOf = (line: (v: SemVer) => boolean) => published.filter(line).every((p) => compareSemver(version, p) >= 0);
  if (isHighestOf((p) => p.major === version.major && p.minor === version.minor)) tags.push(`${version.major}.${version.minor}`);
  // Pre-1.0, every minor may break: a rolling `0` alias would hand users breaking changes.
  if (version.major >= 1 && isHighestOf((p) => p.major === version.major)) tags.push(`${version.major}`);
  if (isHighestOf(() => true)) tags.push('latest');
  return tags;
}

/**
 * Pure: the stable versions among `entries` that belong to the stream of `ref`: `vX.Y.Z` tags for
 * a version tag, `<project>@X.Y.Z` tags for a project tag, bare versions for both.
 */
export function publishedVersions(entries: readonly string[], ref: Exclude<ReleaseRef, { kind: 'branch' }>): SemVer[] {
  const prefix = ref.kind === 'version-tag' ? 'v' : `${ref.project}@`;
  const versions: SemVer[] = [];
  for (const raw of entries) {
    const entry = raw.trim().replace(/^refs\/tags\//, '');
    const text = entry.startsWith(prefix) ? entry.slice(prefix.length) : /^\d/.test(entry) ? entry : undefined;
    const v = text === undefined ? undefined : parseSemver(text);
    if (v && isStable(v)) versions.push(v);
  }
  return versions;
}

function utcDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new UserError('invalid build date', { hint: 'pass a date as YYYY-MM-DD', exitCode: 2 });
  return date.toISOString().slice(0, 10);
}
