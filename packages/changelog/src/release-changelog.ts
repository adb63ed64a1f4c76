import { UserError } from '@runway/errors';
import { compareSemver, isStable, parseSemver, type SemVer } from '@runway/release-policy';
import { findLink, findRelease, hasEntries, isIsoDate, parseChangelog, trimBlank, type Changelog } from './parse-changelog';

export interface ReleaseChangelogOptions {
  /** The release date, `YYYY-MM-DD`, from the caller's clock (this module reads none). */
  date: string;
  /**
   * Where the version's compare link starts. Default: the highest version in the changelog below
   * `version` (for a hotfix `1.2.1` after `1.3.0` that is `1.2.0`); a first release links its tag.
   */
  previousVersion?: string;
  /** Repository web URL (`https://github.com/acme/runtimes`). Default: taken from the existing links. */
  repoUrl?: string;
  /** Prefix of the release tags the links name: `v` (default, umbrella) or `<name>@` (one project). */
  tagPrefix?: string;
}

export interface ReleasedChangelog {
  /** The new file content (equal to the input when nothing had to change). */
  text: string;
  changed: boolean;
  /** The release notes: the body of the version's section. */
  notes: string;
}

/**
 * Pure: releases `version` in a Keep a Changelog text. Moves the entries of `## [Unreleased]`
 * into a new `## [X.Y.Z] - <date>` section right below it, leaves Unreleased empty, and writes the
 * compare links: `[X.Y.Z]: <repo>/compare/<prefix><previous>...<prefix>X.Y.Z` (or
 * `<repo>/releases/tag/<prefix>X.Y.Z` for a first release) and
 * `[Unreleased]: <repo>/compare/<prefix><highest>...HEAD`, updating existing definitions in place
 * and keeping every other line as it was. Idempotent: when the section already exists with the
 * same date and Unreleased is empty, only missing or outdated links are written (so a second run
 * returns the text unchanged).
 * @throws UserError for an invalid version or date, a changelog without Unreleased section, an
 * empty Unreleased section, a version that is already in the changelog while Unreleased has new
 * entries or with another date, duplicate sections, or no way to tell the repository URL.
 */
export function releaseChangelog(text: string, version: string, options: ReleaseChangelogOptions): ReleasedChangelog {
  const bare = version.replace(/^v/, '');
  const target = parseSemver(bare);
  if (!target || !isStable(target)) {
    throw new UserError(`"${version}" is not a stable version`, { hint: 'release the changelog for MAJOR.MINOR.PATCH, e.g. 1.4.0 (release candidates have no changelog section of their own)', exitCode: 2 });
  }
  if (!isIsoDate(options.date)) throw new UserError(`release date "${options.date}" is not a valid YYYY-MM-DD date`, { hint: 'e.g. --date 2024-05-01', exitCode: 2 });
  const { changelog } = parseChangelog(text);
  const unreleased = changelog.unreleased;
  if (!unreleased) {
    throw new UserError('the changelog has no "## [Unreleased]" section', { hint: 'add "## [Unreleased]" above the newest release and list the changes there (https://keepachangelog.com)' });
  }
  const sections = changelog.releases.filter((r) => r.version === bare);
  if (sections.length > 1) {
    throw new UserError(`the changelog has ${sections.length} sections for ${bare} (lines ${sections.map((s) => s.line).join(', ')})`, { hint: 'keep one section per version' });
  }

  let lines = changelog.lines;
  const existing = sections[0];
  if (existing) {
    if (hasEntries(unreleased)) {
      throw new UserError(`${bare} is already released in the changelog (line ${existing.line}) and "## [Unreleased]" has new entries`, { hint: `those entries belong to the next version: release them as a version above ${bare}` });
    }
    if (existing.date !== options.date) {
      throw new UserError(`${bare} is already in the changelog dated ${existing.date ?? '(no date)'} (line ${existing.line}), not ${options.date}`, { hint: existing.date ? `pass --date ${existing.date}, or fix the heading by hand` : `write the heading as ## [${bare}] - ${options.date}` });
    }
  } else {
    if (!hasEntries(unreleased)) {
      throw new UserError(`"## [Unreleased]" (line ${unreleased.line}) is empty: nothing to release as ${bare}`, { hint: 'list the changes under ## [Unreleased] first (### Added, ### Changed, ### Fixed …)' });
    }
    const body = trimBlank(lines.slice(unreleased.start, unreleased.end));
    lines = [...lines.slice(0, unreleased.start), '', `## [${bare}] - ${options.date}`, '', ...body, '', ...lines.slice(unreleased.end)];
  }

  const prefix = options.tagPrefix ?? 'v';
  const edited = reparse(lines);
  const repo = repositoryUrl(options.repoUrl, edited);
  const previous = options.previousVersion?.replace(/^v/, '') ?? highest(edited, (v) => compareSemver(v, target) < 0);
  const top = highest(edited, () => true) ?? bare;
  lines = setLink(lines, 'Unreleased', `${repo}/compare/${prefix}${top}...HEAD`);
  lines = setLink(lines, bare, previous ? `${repo}/compare/${prefix}${previous}...${prefix}${bare}` : `${repo}/releases/tag/${prefix}${bare}`);

  const out = `${withoutTrailingBlank(lines).join(changelog.eol)}${changelog.eol}`;
  return { text: out, changed: out !== text, notes: findRelease(reparse(lines), bare)?.body ?? '' };
}

function withoutTrailingBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  return lines.slice(0, end);
}

/** Parses edited lines; the final newline keeps line indexes equal to those of `lines`. */
function reparse(lines: string[]): Changelog {
  return parseChangelog(`${lines.join('\n')}\n`).changelog;
}

/** The highest stable version among the changelog's sections that passes `filter`. */
function highest(changelog: Changelog, filter: (v: SemVer) => boolean): string | undefined {
  let best: SemVer | undefined;
  let text: string | undefined;
  for (const r of changelog.releases) {
    const v = r.version === undefined ? undefined : parseSemver(r.version);
    if (!v || !isStable(v) || !filter(v) || (best && compareSemver(v, best) <= 0)) continue;
    best = v;
    text = r.version;
  }
  return text;
}

/** The repository URL given, or the one the existing compare/tag links use. */
function repositoryUrl(given: string | undefined, changelog: Changelog): string {
  const fromLinks = changelog.links.map((l) => /^(https?:\/\/.+?)\/(?:compare|releases\/tag)\//.exec(l.url)?.[1]).find(Boolean);
  const url = given ?? fromLinks;
  if (!url) {
    throw new UserError('cannot tell the repository URL for the compare links: the changelog has none yet', { hint: 'pass it once, e.g. --repo-url https://github.com/<owner>/<repo>', exitCode: 2 });
  }
  if (!/^https?:\/\/\S+$/.test(url)) throw new UserError(`repository URL "${url}" is not an http(s) URL`, { hint: 'e.g. https://github.com/<owner>/<repo>', exitCode: 2 });
  return url.replace(/\/+$/, '').replace(/\.git$/, '');
}

/**
 * Writes `[label]: url`: replaces an existing definition in place, or inserts it at the top of the
 * link block (a version link right below the Unreleased link), creating the block when needed.
 */
function setLink(lines: string[], label: string, url: string): string[] {
  const changelog = reparse(lines);
  const out = [...lines];
  const existing = findLink(changelog, label);
  if (existing) {
    out[existing.line - 1] = `[${existing.label}]: ${url}`;
    return out;
  }
  const unreleasedLink = label.toLowerCase() === 'unreleased' ? undefined : findLink(changelog, 'Unreleased');
  if (unreleasedLink) {
    out.splice(unreleasedLink.line, 0, `[${label}]: ${url}`);
    return out;
  }
  const at = changelog.footer;
  if (at === out.length) return [...withoutTrailingBlank(out), '', `[${label}]: ${url}`];
  out.splice(at, 0, `[${label}]: ${url}`);
  return out;
}
