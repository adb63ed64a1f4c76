import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError, writeTextAtomically } from '@runway/atomic-write';
import {
  checkChangelogGate, DEFAULT_CHANGELOG_GATE, gateFilesFor, releaseChangelog,
  type ChangelogGateConfig, type GatedRelease, type GateProblem, type ReleaseChangelogOptions, type ReleasedChangelog,
} from '@runway/changelog';
import { UserError } from '@runway/errors';
import { readFileAt } from '@runway/git';

/** Reads `path` (relative to `root`) at commit `rev`, or from the working tree without `rev`; undefined when absent. */
export async function readWorkspaceFile(root: string, path: string, rev?: string): Promise<string | undefined> {
  if (rev !== undefined) {
    return readFileAt(root, rev, path).catch((cause) => {
      throw new UserError(`cannot read ${path} at ${rev}: ${firstLine(cause)}`, { hint: 'check that the commit exists in this clone (fetch it, or fetch with tags)', cause });
    });
  }
  return readFile(join(root, path), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw mapFsError(err, `read ${path}`);
  });
}

export interface ChangelogGateAtInput {
  /** Workspace root (a git repository). */
  root: string;
  /** Commit whose files are checked (the release commit). Without it: the working tree. */
  rev?: string;
  /** The stable version being released. */
  version: string;
  /** The previous stable release (`previousStable` of the published versions); undefined for a first release. */
  previousVersion?: string;
  /** Which release is asked about: the umbrella, or one project. */
  release: GatedRelease;
  /** Default `DEFAULT_CHANGELOG_GATE` (umbrella releases gated). */
  config?: ChangelogGateConfig;
}

/**
 * Runs the changelog gate on the files of `rev`: undefined when the configuration does not gate
 * this kind of release, else the problems (empty: the release may go ahead). Reads only.
 */
export async function checkChangelogGateAt(input: ChangelogGateAtInput): Promise<GateProblem[] | undefined> {
  const files = gateFilesFor(input.config ?? DEFAULT_CHANGELOG_GATE, input.release);
  if (!files) return undefined;
  const [changelog, upgrading] = await Promise.all([
    readWorkspaceFile(input.root, files.changelog, input.rev),
    readWorkspaceFile(input.root, files.upgrading, input.rev),
  ]);
  return checkChangelogGate({
    version: input.version,
    previousVersion: input.previousVersion,
    tagPrefix: files.tagPrefix,
    changelog: { path: files.changelog, text: changelog },
    upgrading: { path: files.upgrading, text: upgrading },
  });
}

/** What `releaseChangelogFile` did (or, in a dry run, would do). */
export interface ChangelogFileRelease extends ReleasedChangelog {
  path: string;
  /** The file's content before. */
  before: string;
  /** True when the file was rewritten (false in a dry run or when nothing changed). */
  written: boolean;
}

/**
 * `releaseChangelog` on the file at `path`: reads it, computes the new text and, unless `dryRun`
 * or nothing changed, replaces the file atomically (readers see the old or the new file, never
 * half of one). A refused release (empty Unreleased, …) leaves the file untouched.
 * @throws UserError when the file is missing or unreadable, or the release is refused.
 */
export async function releaseChangelogFile(path: string, version: string, options: ReleaseChangelogOptions & { dryRun?: boolean }): Promise<ChangelogFileRelease> {
  const before = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') {
      throw new UserError(`${path} does not exist`, { hint: 'create it in the Keep a Changelog format: "# Changelog", then "## [Unreleased]" listing the changes' });
    }
    throw mapFsError(err, `read ${path}`);
  });
  const result = releaseChangelog(before, version, options);
  const write = result.changed && !options.dryRun;
  if (write) await writeTextAtomically(path, result.text);
  return { ...result, path, before, written: write };
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).split('\n').find((l) => l.trim() !== '')?.trim() ?? 'git failed';
}
