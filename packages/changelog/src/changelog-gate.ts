import { UserError } from '@runway/errors';
import { classifyVersionStep, type VersionStep } from '@runway/release-policy';
import { findLink, findRelease, hasEntries, parseChangelog } from './parse-changelog';

/** A reason the gate refuses a release: the file, the line when there is one, what and how to fix. */
export interface GateProblem {
  file: string;
  line?: number;
  message: string;
  fix: string;
}

/** A file the gate reads: its path (for messages) and its text, or undefined when it does not exist. */
export interface GateFile {
  path: string;
  text: string | undefined;
}

export interface ChangelogGateInput {
  /** The stable version being released, `X.Y.Z` (a `v` prefix is accepted). */
  version: string;
  /** The Keep a Changelog file (`CHANGELOG.md`, or `runtimes/<name>/CHANGELOG.md`). */
  changelog: GateFile;
  /** The upgrade notes (`docs/upgrading.md`); read only for a MINOR or MAJOR step. */
  upgrading: GateFile;
  /**
   * The previous stable release (`previousStable` of the published versions), undefined for a
   * first release. Decides whether upgrade notes are needed.
   */
  previousVersion?: string;
  /** Prefix of the release tags the compare link names: `v` (default) or `<name>@`. */
  tagPrefix?: string;
}

/**
 * Pure: the changelog and upgrade-notes gate for a stable release of `version`. Returns every
 * problem at once (empty when the release may go ahead):
 * - the changelog exists and parses (all its problems are reported, each with its line);
 * - it has a non-empty `## [X.Y.Z] - YYYY-MM-DD` section with a valid date;
 * - it has the link definition `[X.Y.Z]: …` naming the tag `<prefix>X.Y.Z` (a compare link);
 * - for a MINOR or MAJOR step from `previousVersion` (before 1.0 too), the upgrade notes exist
 *   and mention X.Y.Z.
 * @throws UserError (exit code 2) when `version` or `previousVersion` is not strict SemVer or
 * `version` does not come after `previousVersion`.
 */
export function checkChangelogGate(input: ChangelogGateInput): GateProblem[] {
  const step = classifyVersionStep(input.previousVersion, input.version);
  const version = step.next;
  const file = input.changelog.path;
  const prefix = input.tagPrefix ?? 'v';
  const release = `runway changelog release ${version}`;
  if (input.changelog.text === undefined) {
    return [
      { file, message: `${file} does not exist; a stable release needs its changelog`, fix: `create it in the Keep a Changelog format with a "## [Unreleased]" section listing the changes, then run "${release}"` },
      ...upgradeProblems(input, step),
    ];
  }

  const { changelog, problems: parsed } = parseChangelog(input.changelog.text);
  const problems: GateProblem[] = parsed.map((p) => ({ file, ...p }));
  const section = findRelease(changelog, version);
  if (!section) {
    const fromUnreleased = changelog.unreleased && hasEntries(changelog.unreleased);
    problems.push({
      file, line: changelog.unreleased?.line,
      message: `${file} has no "## [${version}] - YYYY-MM-DD" section`,
      fix: fromUnreleased ? `run "${release}" to move the Unreleased entries into it` : `list the changes of ${version} under "## [Unreleased]", then run "${release}"`,
    });
  } else if (!hasEntries(section)) {
    problems.push({ file, line: section.line, message: `the section for ${version} in ${file} is empty`, fix: `list what changed in ${version} under its heading (### Added, ### Changed, ### Fixed …)` });
  }

  const link = findLink(changelog, version);
  const tag = `${prefix}${version}`;
  if (!link) {
    problems.push({ file, line: section?.line, message: `${file} has no compare link for ${version}`, fix: `add "[${version}]: <repository URL>/compare/${step.previous ? `${prefix}${step.previous}` : '<previous tag>'}...${tag}" at the bottom (${release} writes it)` });
  } else if (!link.url.endsWith(tag) && !link.url.endsWith(encodeURIComponent(tag))) {
    problems.push({ file, line: link.line, message: `the compare link for ${version} points at "${link.url}", not at the tag ${tag}`, fix: `make it <repository URL>/compare/<previous tag>...${tag}` });
  }
  return [...problems, ...upgradeProblems(input, step)];
}

function upgradeProblems(input: ChangelogGateInput, step: VersionStep): GateProblem[] {
  if (!step.needsUpgradeNotes) return [];
  const { next: version, previous } = step;
  const file = input.upgrading.path;
  const preOne = step.core === 'minor' && step.breaking ? ', which may break before 1.0' : '';
  const why = `${previous} → ${version} is a ${step.core.toUpperCase()} step${preOne}`;
  if (input.upgrading.text === undefined) {
    return [{ file, message: `${file} does not exist; ${why}, so it needs upgrade notes`, fix: `create ${file} with a section for ${version}: what operators must do when upgrading from ${previous}` }];
  }
  if (!mentionsVersion(input.upgrading.text, version)) {
    return [{ file, message: `${file} does not mention ${version}; ${why}, so it needs upgrade notes`, fix: `add a section for ${version} to ${file} (e.g. "## ${version}") describing breaking changes and new settings` }];
  }
  return [];
}

/**
 * True when `text` names `version` as a whole version: `1.2.0` or `v1.2.0`, but not inside
 * `11.2.0`, `1.2.01`, `1.2.0.1` or `1.2.0-rc.1`.
 */
export function mentionsVersion(text: string, version: string): boolean {
  const escaped = version.replace(/\./g, '\\.');
  return new RegExp(`(?<![0-9A-Za-z.])v?${escaped}(?![0-9]|\\.[0-9]|-[0-9A-Za-z])`).test(text);
}

/**
 * Pure: one `UserError` listing every gate problem (file:line, what, fix), for the release or
 * the CLI to throw before anything is published.
 */
export function changelogGateError(version: string, problems: readonly GateProblem[]): UserError {
  const list = problems.map((p, i) => `  ${i + 1}. ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n     fix: ${p.fix}`).join('\n');
  return new UserError(`the changelog gate refuses the stable release ${version}: ${problems.length} problem(s)\n${list}`, {
    hint: 'fix the problems above, commit, and release again (the gate reads the files of the release commit)',
  });
}
