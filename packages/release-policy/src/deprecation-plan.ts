import { UserError } from '@runway/errors';
import { isValidName } from '@runway/manifest';
import { deprecateEntry, isDeprecated, type Registry, type RegistrySection } from '@runway/registry';
import { movingTagTargets } from './latest-decision';
import { ownValue } from './own-value';
import { describeSemverProblem, formatSemver, isStable, parseSemver } from './semver';

/** `runway deprecate <target> --use <version> --reason "…"`, as typed. */
export interface DeprecationRequest {
  /** `<name>@X.Y.Z` (one project) or `vX.Y.Z` (every project of that umbrella release). */
  target: string;
  /** The replacement: `X.Y.Z`, `vX.Y.Z`, or `<name>@X.Y.Z` of the same project. */
  use: string;
  /** Why; shown in the registry entry, the release notes banner and the client's warning. */
  reason: string;
}

/** A published image repository (a payload's image or one of its aliases) and its tags now. */
export interface ImageState {
  /** The payload the image belongs to. */
  project: string;
  /** e.g. `ghcr.io/acme/runenv-python`. */
  repository: string;
  /** Every tag → its digest, as the registry lists them (`1.2.3`, `1.2`, `1`, `latest`, `sha-…`). */
  tags: Record<string, string>;
}

/** What the deprecation looks at; all read before planning, nothing changed. */
export interface DeprecationState {
  registry: Registry;
  /** For a `vX.Y.Z` target: the projects of that umbrella release (its `umbrella.json`). */
  umbrellaProjects?: readonly string[];
  images?: readonly ImageState[];
  /** Stamped into the entry's `deprecated.at` (this module reads no clock). */
  now: Date;
}

/** One registry entry the deprecation marks. */
export interface DeprecatedEntry {
  section: RegistrySection;
  name: string;
  version: string;
  /** False when the entry already carried the same deprecation. */
  changed: boolean;
}

/** One moving image tag to re-point. */
export interface ImageTagMove {
  repository: string;
  tag: string;
  /** The digest it has now. */
  from: string;
  to: string;
  /** The version whose image `to` is. */
  version: string;
}

/** The whole deprecation, to carry out in this order: registry, release notes, image tags. */
export interface DeprecationPlan {
  /** The deprecated version and its replacement (bare `X.Y.Z`). */
  version: string;
  replacement: string;
  reason: string;
  entries: DeprecatedEntry[];
  /** The registry with the entries marked; the same object as the input when nothing changed. */
  registry: Registry;
  /** Releases whose notes get `banner` on top (apply with `withDeprecationBanner`, idempotent). */
  notes: Array<{ tag: string; banner: string }>;
  /** Only the tags that change. */
  imageMoves: ImageTagMove[];
  /** True when the registry and the images already reflect the deprecation. */
  done: boolean;
}

const MAX_REASON = 500;

/**
 * Pure: plans `deprecate <name>@<version> | vX.Y.Z --use <version> --reason "…"`. Nothing is
 * deleted: the registry entries are marked (through `deprecateEntry`: never `@latest` again, an
 * exact pin still installs and prints the reason and replacement), every affected release gets a
 * `## ⚠️ Deprecated` banner, and the moving image tags (`latest`, `X.Y`, `X`) that point at the
 * deprecated image are moved to where `movingTagTargets` puts them once the deprecated versions no
 * longer count (a line left without any version falls back to the replacement's image). Other
 * tags are left alone, so a manual `runway image retag` elsewhere is not undone. Planning again
 * after carrying it out gives `done: true` and no moves.
 * @throws UserError for a malformed target or replacement, an empty reason, a version that is not
 * published, a replacement that is the version itself, not published, a prerelease or deprecated.
 */
export function planDeprecation(request: DeprecationRequest, state: DeprecationState): DeprecationPlan {
  const target = parseTarget(request.target);
  const replacement = parseReplacement(request.use, target.project);
  const reason = request.reason.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (reason === '') throw new UserError('a deprecation needs a reason', { hint: 'e.g. --reason "crashes on start with glibc < 2.36"', exitCode: 2 });
  if (reason.length > MAX_REASON) throw new UserError(`the reason is ${reason.length} characters long; at most ${MAX_REASON}`, { hint: 'say it in one sentence; details belong in the changelog', exitCode: 2 });
  if (replacement === target.version) {
    throw new UserError(`cannot deprecate ${request.target} in favour of itself`, { hint: 'name the version users should move to, e.g. the previous good release', exitCode: 2 });
  }

  const projects = target.project !== undefined ? [target.project] : umbrellaProjects(request.target, state);
  let registry = state.registry;
  const entries: DeprecatedEntry[] = [];
  for (const name of projects) {
    const section = sectionOf(state.registry, name, target.version);
    if (section === undefined) {
      // An image-only payload has no registry entry: its image tags are what was published.
      const images = (state.images ?? []).filter((i) => i.project === name && ownValue(i.tags, target.version) !== undefined);
      if (images.length === 0) {
        throw new UserError(`${name}@${target.version} is neither in the registry nor an image tag, so ${request.target} cannot be deprecated`, { hint: 'deprecate a published version (runway runtime list shows them)' });
      }
      const without = images.find((i) => ownValue(i.tags, replacement) === undefined);
      if (without) throw new UserError(`cannot point ${name}@${target.version} users to ${replacement}: ${without.repository}:${replacement} is not published`, { hint: `use a version ${without.repository} has` });
      continue;
    }
    const versions = ownValue(state.registry[section], name) ?? {};
    const replacementEntry = ownValue(versions, replacement);
    if (!replacementEntry) {
      throw new UserError(`cannot point ${name}@${target.version} users to ${replacement}: ${name}@${replacement} is not published`, { hint: `use a published version of ${name}: ${Object.keys(versions).join(', ')}` });
    }
    if (isDeprecated(replacementEntry)) {
      throw new UserError(`cannot point ${name}@${target.version} users to ${replacement}: ${name}@${replacement} is deprecated itself`, { hint: 'pick a version that is not deprecated, or lift that deprecation first' });
    }
    const before = registry;
    registry = deprecateEntry(registry, name, target.version, { reason, use: replacement }, state.now, section);
    entries.push({ section, name, version: target.version, changed: registry !== before });
  }

  const useTag = (name?: string) => (name === undefined ? `v${replacement}` : `${name}@${replacement}`);
  const notes = [
    ...(target.project === undefined ? [{ tag: `v${target.version}`, banner: deprecationBanner({ use: useTag(), reason }) }] : []),
    ...projects.map((name) => ({ tag: `${name}@${target.version}`, banner: deprecationBanner({ use: useTag(name), reason }) })),
  ];
  const imageMoves = (state.images ?? [])
    .filter((image) => projects.includes(image.project))
    .flatMap((image) => aliasMoves(image, target.version, replacement, deprecatedVersions(registry, image.project)));
  return { version: target.version, replacement, reason, entries, registry, notes, imageMoves, done: registry === state.registry && imageMoves.length === 0 };
}

/** The moving tags of one image that point at the deprecated version's image, and where they go. */
function aliasMoves(image: ImageState, version: string, replacement: string, deprecated: string[]): ImageTagMove[] {
  const deprecatedDigest = ownValue(image.tags, version);
  if (deprecatedDigest === undefined) return [];
  const published = Object.keys(image.tags).filter((t) => { const v = parseSemver(t); return v !== undefined && isStable(v); });
  const targets = movingTagTargets(published, [...deprecated, version]);
  const moves: ImageTagMove[] = [];
  // In the order versionTags gives them (X.Y, X, latest), whatever the order of the listing.
  const order = (tag: string) => (tag === 'latest' ? 2 : tag.includes('.') ? 0 : 1);
  const moving = Object.keys(image.tags).filter(isMovingTag).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  for (const tag of moving) {
    const from = image.tags[tag];
    if (from !== deprecatedDigest) continue;
    const toVersion = targets[tag] ?? replacement;
    const to = ownValue(image.tags, toVersion);
    if (to === undefined) {
      throw new UserError(`${image.repository}:${tag} points at the image of ${version}, but ${image.repository} has no tag ${toVersion} to move it to`, { hint: `publish the image of ${toVersion}, or move ${tag} by hand with runway image retag` });
    }
    if (to !== from) moves.push({ repository: image.repository, tag, from, to, version: toVersion });
  }
  return moves;
}

/** `latest`, `X.Y` or `X`: the tags that move; `X.Y.Z`, `sha-…`, `edge` … never do. */
function isMovingTag(tag: string): boolean {
  return tag === 'latest' || /^(0|[1-9]\d*)(\.(0|[1-9]\d*))?$/.test(tag);
}

function deprecatedVersions(registry: Registry, project: string): string[] {
  const versions = ownValue(registry.payloads, project) ?? ownValue(registry.runtimes, project) ?? {};
  return Object.entries(versions).filter(([, e]) => isDeprecated(e)).map(([v]) => v);
}

function sectionOf(registry: Registry, name: string, version: string): RegistrySection | undefined {
  if (ownValue(registry.runtimes[name], version)) return 'runtimes';
  if (ownValue(registry.payloads?.[name], version)) return 'payloads';
  return undefined;
}


function umbrellaProjects(target: string, state: DeprecationState): readonly string[] {
  if (!state.umbrellaProjects?.length) {
    throw new UserError(`the projects of the umbrella release ${target} are not known`, { hint: `check that the release ${target} exists and carries its umbrella.json` });
  }
  return state.umbrellaProjects;
}

function parseTarget(text: string): { project?: string; version: string } {
  const at = text.lastIndexOf('@');
  const project = at > 0 ? text.slice(0, at) : undefined;
  if (project === undefined && !text.startsWith('v')) {
    throw new UserError(`"${text}" is neither <name>@X.Y.Z nor vX.Y.Z`, { hint: 'e.g. runway deprecate python-3.11@1.2.3 --use 1.2.2, or runway deprecate v1.2.3 --use 1.2.2', exitCode: 2 });
  }
  if (project !== undefined && !isValidName(project)) {
    throw new UserError(`"${project}" is not a project name`, { hint: 'names use lowercase letters, digits, "." and "-", e.g. python-3.11@1.2.3', exitCode: 2 });
  }
  return { project, version: stableVersion(project === undefined ? text.slice(1) : text.slice(at + 1), text) };
}

function parseReplacement(text: string, project: string | undefined): string {
  const at = text.lastIndexOf('@');
  if (at > 0 && text.slice(0, at) !== project) {
    throw new UserError(`the replacement ${text} is not a version of ${project ?? 'the umbrella release'}`, { hint: 'pass the replacement version, e.g. --use 1.2.2', exitCode: 2 });
  }
  return stableVersion(at > 0 ? text.slice(at + 1) : text.replace(/^v/, ''), text);
}

function stableVersion(raw: string, shown: string): string {
  const v = parseSemver(raw);
  if (!v) throw new UserError(`"${shown}": version "${raw}" ${describeSemverProblem(raw)}`, { hint: 'use MAJOR.MINOR.PATCH, e.g. 1.2.3', exitCode: 2 });
  if (!isStable(v)) throw new UserError(`"${shown}" is a prerelease`, { hint: 'deprecation applies to stable releases and points users at a stable one', exitCode: 2 });
  return formatSemver(v);
}

const BANNER_START = '<!-- runway:deprecated -->';
const BANNER_END = '<!-- /runway:deprecated -->';

/** Pure: the `## ⚠️ Deprecated` block for release notes, delimited so it can be found again. */
export function deprecationBanner(info: { use: string; reason: string }): string {
  return [BANNER_START, '## ⚠️ Deprecated', '', `This release is deprecated: ${info.reason}`, '', `Use \`${info.use}\` instead.`, BANNER_END].join('\n');
}

/**
 * Pure: `body` with `banner` at the top, replacing a banner put there before, so applying the same
 * deprecation twice gives the same body and a changed reason replaces the old one.
 */
export function withDeprecationBanner(body: string, banner: string): string {
  let rest = body;
  if (rest.startsWith(BANNER_START)) {
    const end = rest.indexOf(BANNER_END);
    if (end >= 0) rest = rest.slice(end + BANNER_END.length).replace(/^\s+/, '');
  }
  return rest === '' ? `${banner}\n` : `${banner}\n\n${rest}`;
}
