import { describeSemverProblem, parseSemver } from '@runway/release-policy';

/** A problem in a changelog: what is wrong, on which line (1-based), and how to fix it. */
export interface ChangelogProblem {
  /** 1-based line number, when the problem has a place in the file. */
  line?: number;
  message: string;
  fix: string;
}

/** One `## [X.Y.Z] - YYYY-MM-DD` (or `## [Unreleased]`) section. */
export interface ChangelogSection {
  /** The version as written (`1.2.0`), or undefined for `Unreleased`. */
  version?: string;
  /** The date as written after ` - `, when there is one (checked separately: see problems). */
  date?: string;
  /** Keep a Changelog's `[YANKED]` marker after the date. */
  yanked: boolean;
  /** 1-based line of the `##` heading. */
  line: number;
  /** The section's text between its heading and the next one, without surrounding blank lines. */
  body: string;
  /** 0-based index of the first line after the heading. */
  start: number;
  /** 0-based index one past the section's last line (the next heading or the link block). */
  end: number;
}

/** A link reference definition, `[label]: url` (the compare links at the bottom). */
export interface ChangelogLink {
  label: string;
  url: string;
  /** 1-based line of the definition. */
  line: number;
}

/** A parsed Keep a Changelog file. Lines are kept so edits can preserve everything else. */
export interface Changelog {
  /** The file's lines, without line terminators. */
  lines: string[];
  /** The line terminator the file uses, kept on rewrite. */
  eol: '\n' | '\r\n';
  unreleased?: ChangelogSection;
  /** Version sections in file order (newest first in a well-kept file), duplicates included. */
  releases: ChangelogSection[];
  links: ChangelogLink[];
  /** 0-based index where the trailing block of link definitions starts (`lines.length` when none). */
  footer: number;
}

const H2 = /^##(?!#)\s*(.*?)\s*#*\s*$/;
const UNRELEASED = /^\[?unreleased\]?$/i;
const RELEASE = /^\[([^\]]*)\](?:\s+-\s+(\S+))?(\s+\[YANKED\])?$/i;
const BARE_RELEASE = /^v?(\d\S*)(?:\s+-\s+(\S+))?$/;
const LINK = /^\s{0,3}\[([^\]]+)\]:\s*(\S+)\s*$/;
const FENCE = /^\s{0,3}(```|~~~)/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1000 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Pure: parses a Keep a Changelog file (https://keepachangelog.com/en/1.1.0/): the
 * `## [Unreleased]` section, `## [X.Y.Z] - YYYY-MM-DD` sections (optionally ` [YANKED]`) and the
 * link reference definitions (`[X.Y.Z]: https://…/compare/vA.B.C...vX.Y.Z`). Headings inside
 * fenced code blocks are text. Never throws: every malformed heading, invalid version or date,
 * duplicate section and duplicate link becomes a problem with its line and fix.
 */
export function parseChangelog(text: string): { changelog: Changelog; problems: ChangelogProblem[] } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const problems: ChangelogProblem[] = [];

  const headings: Array<{ index: number; title: string }> = [];
  const links: ChangelogLink[] = [];
  let fenced = false;
  lines.forEach((line, index) => {
    if (FENCE.test(line)) fenced = !fenced;
    if (fenced) return;
    const h2 = H2.exec(line);
    if (h2) headings.push({ index, title: h2[1] });
    const link = LINK.exec(line);
    if (link) links.push({ label: link[1], url: link[2], line: index + 1 });
  });

  // The trailing run of link definitions and blank lines is the footer, not part of the last section.
  let footer = lines.length;
  for (let i = lines.length - 1; i >= 0 && (lines[i].trim() === '' || LINK.test(lines[i])); i--) {
    if (LINK.test(lines[i])) footer = i;
  }
  if (headings.some((h) => h.index >= footer)) footer = lines.length;

  let unreleased: ChangelogSection | undefined;
  const releases: ChangelogSection[] = [];
  headings.forEach(({ index, title }, k) => {
    const end = Math.min(headings[k + 1]?.index ?? footer, footer);
    const section = (fields: Pick<ChangelogSection, 'version' | 'date' | 'yanked'>): ChangelogSection => ({
      ...fields, line: index + 1, start: index + 1, end: Math.max(end, index + 1), body: trimBlank(lines.slice(index + 1, end)).join('\n'),
    });
    const line = index + 1;
    if (UNRELEASED.test(title)) {
      if (unreleased) problems.push({ line, message: `second "## [Unreleased]" section (the first is on line ${unreleased.line})`, fix: 'merge the two Unreleased sections into one' });
      else unreleased = section({ yanked: false });
      return;
    }
    const release = RELEASE.exec(title);
    if (!release) {
      const bare = BARE_RELEASE.exec(title);
      if (bare) {
        problems.push({ line, message: `release heading "## ${title}" has no brackets around the version`, fix: `write it as ## [${bare[1]}] - ${bare[2] ?? 'YYYY-MM-DD'} so the compare link [${bare[1]}] applies` });
        return;
      }
      problems.push({ line, message: `unrecognised section heading "## ${title}"`, fix: 'a changelog has "## [Unreleased]" and "## [X.Y.Z] - YYYY-MM-DD" sections; make it one of them, or a "###" subsection' });
      return;
    }
    const [, version, date, yanked] = release;
    const parsed = section({ version, date, yanked: Boolean(yanked) });
    if (!parseSemver(version)) {
      problems.push({ line, message: `version "${version}" ${describeSemverProblem(version)}`, fix: 'write the version as strict SemVer without "v", e.g. ## [1.4.0] - 2024-05-01' });
    }
    if (date === undefined) {
      problems.push({ line, message: `release ${version} has no date`, fix: `write the heading as ## [${version}] - YYYY-MM-DD` });
    } else if (!isIsoDate(date)) {
      problems.push({ line, message: `release ${version} has the date "${date}", which is not a valid YYYY-MM-DD date`, fix: `write a real date, e.g. ## [${version}] - 2024-05-01` });
    }
    const twin = releases.find((r) => r.version === version);
    if (twin) problems.push({ line, message: `second section for ${version} (the first is on line ${twin.line})`, fix: 'keep one section per version' });
    releases.push(parsed);
  });

  const seen = new Map<string, number>();
  for (const link of links) {
    const key = link.label.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) problems.push({ line: link.line, message: `second link definition for [${link.label}] (the first is on line ${first})`, fix: 'keep one link per label: Markdown uses the first and ignores the rest' });
    else seen.set(key, link.line);
  }
  return { changelog: { lines, eol, unreleased, releases, links, footer }, problems };
}

/** Drops blank lines at both ends. */
export function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}

/** The (first) section of `version` (bare or `v`-prefixed), if the changelog has one. */
export function findRelease(changelog: Changelog, version: string): ChangelogSection | undefined {
  const bare = version.replace(/^v/, '');
  return changelog.releases.find((r) => r.version === bare);
}

/** The link definition for `label` (case-insensitive, as Markdown matches labels). */
export function findLink(changelog: Changelog, label: string): ChangelogLink | undefined {
  return changelog.links.find((l) => l.label.toLowerCase() === label.toLowerCase());
}

/** True when a section has content beyond blank lines and empty `###` subsection headings. */
export function hasEntries(section: ChangelogSection): boolean {
  return section.body.split('\n').some((l) => l.trim() !== '' && !/^#{3,}\s/.test(l.trim()) && !LINK.test(l));
}

/**
 * Pure: the release notes of `version`: the body of its section (without heading), or undefined
 * when the changelog has no such section. The same text the stable release publishes.
 */
export function releaseNotes(text: string, version: string): string | undefined {
  return findRelease(parseChangelog(text).changelog, version)?.body;
}
