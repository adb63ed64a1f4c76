import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import {
  changelogGateError, DEFAULT_CHANGELOG_GATE, findRelease, gateFilesFor, parseChangelog, releaseNotes, type GatedRelease,
} from '@runway/changelog';
import { checkChangelogGateAt, readWorkspaceFile, releaseChangelogFile } from '@runway/changelog-file';
import { InternalError, UserError } from '@runway/errors';
import { repositoryRoot, runGit } from '@runway/git';
import { readManifest } from '@runway/project-files';
import { previousStable } from '@runway/release-policy';
import type { CliContext } from '../../context';

/** Every kind of release may be asked about explicitly, whatever the release gate's scope. */
const ALL = { ...DEFAULT_CHANGELOG_GATE, scope: 'both' as const };

interface Target { root: string; release: GatedRelease; changelog: string; upgrading: string; tagPrefix: string }

/** The workspace root and the changelog files of the umbrella, or of `--project <folder>`. */
async function target(ctx: CliContext, project: string | undefined): Promise<Target> {
  const root = await repositoryRoot(ctx.cwd).catch(() => ctx.cwd);
  let release: GatedRelease = { kind: 'umbrella' };
  if (project !== undefined) {
    const projectRoot = project.replace(/\/+$/, '');
    const { manifest, errors } = await readManifest(root, projectRoot);
    if (!manifest) {
      throw new UserError(`--project ${project}: ${errors[0]?.message ?? 'no valid manifest.yaml'}`, { hint: 'pass the project folder relative to the workspace root, e.g. --project runtimes/python-3.11', exitCode: 2 });
    }
    release = { kind: 'project', name: manifest.name, projectRoot };
  }
  const files = gateFilesFor(ALL, release);
  if (!files) throw new InternalError('every release kind is gated under scope "both"');
  return { root, release, ...files };
}

/** `runway changelog release <version>`. */
export async function changelogRelease(version: string, opts: { project?: string; date?: string; repoUrl?: string; previous?: string; dryRun: boolean }, ctx: CliContext): Promise<void> {
  const t = await target(ctx, opts.project);
  const path = join(t.root, t.changelog);
  const current = parseChangelog((await readWorkspaceFile(t.root, t.changelog)) ?? '').changelog;
  // A re-run on another day keeps the date the section already has, so it stays a no-op.
  const date = opts.date ?? findRelease(current, version)?.date ?? new Date().toISOString().slice(0, 10);
  const fromEnv = ctx.env.GITHUB_REPOSITORY ? `${ctx.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${ctx.env.GITHUB_REPOSITORY}` : undefined;
  const repoUrl = opts.repoUrl ?? (current.links.length > 0 ? undefined : fromEnv);
  const result = await releaseChangelogFile(path, version, { date, repoUrl, previousVersion: opts.previous, tagPrefix: t.tagPrefix, dryRun: opts.dryRun });

  if (!result.changed) {
    ctx.logger.info(`${t.changelog} already has ${version} released on ${date} with its links: nothing to change`);
    return;
  }
  if (opts.dryRun) {
    ctx.stdout.write(await textDiff(result.before, result.text, t.changelog));
    ctx.logger.info(`dry run: would write ${t.changelog}; nothing changed`);
    return;
  }
  ctx.logger.info(`released ${version} (${date}) in ${t.changelog}; commit it before tagging ${t.tagPrefix}${version.replace(/^v/, '')}`);
}

/** `runway changelog check <version>`: exit 1 listing every problem, or a one-line OK. */
export async function changelogCheck(version: string, opts: { project?: string; previous?: string; rev?: string }, ctx: CliContext): Promise<void> {
  const t = await target(ctx, opts.project);
  const previousVersion = opts.previous ?? previousStable(await tagVersions(t.root, t.tagPrefix), version);
  const problems = await checkChangelogGateAt({ root: t.root, rev: opts.rev, version, previousVersion, release: t.release, config: ALL }) ?? [];
  if (problems.length > 0) throw changelogGateError(version, problems);
  ctx.logger.info(`changelog gate passed for ${version}${previousVersion ? ` (previous stable ${previousVersion})` : ' (first release)'}: ${t.changelog}${opts.rev ? ` at ${opts.rev}` : ''}`);
}

/** `runway changelog notes <version>`: the section body, as the stable release publishes it. */
export async function changelogNotes(version: string, opts: { project?: string }, ctx: CliContext): Promise<void> {
  const t = await target(ctx, opts.project);
  const notes = releaseNotes((await readWorkspaceFile(t.root, t.changelog)) ?? '', version);
  if (notes === undefined) {
    throw new UserError(`${t.changelog} has no section for ${version}`, { hint: `run "runway changelog release ${version}" first` });
  }
  ctx.stdout.write(`${notes}\n`);
}

/** Versions of the local tags `<prefix>X.Y.Z…` (the published set as this clone knows it). */
async function tagVersions(root: string, prefix: string): Promise<string[]> {
  const tags = await runGit(root, ['tag', '--list', `${prefix}*`]).catch(() => '');
  return tags.split('\n').filter(Boolean).map((tag) => tag.slice(prefix.length));
}

/**
 * A unified diff of two texts through `git diff --no-index` (git is Runway's one hard
 * dependency), labelled a/<path> and b/<path>. The temp folder is removed afterwards.
 */
async function textDiff(before: string, after: string, path: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'runway-changelog-diff-'));
  try {
    for (const [side, text] of [['a', before], ['b', after]] as const) {
      await mkdir(dirname(join(dir, side, path)), { recursive: true });
      await writeFile(join(dir, side, path), text);
    }
    const diff = await execa('git', ['diff', '--no-index', '--no-color', '--no-ext-diff', '--no-prefix', '--', `a/${path}`, `b/${path}`], { cwd: dir, reject: false });
    // Exit 1 means "the files differ"; anything else is git failing.
    if (diff.exitCode !== 0 && diff.exitCode !== 1) throw new UserError(`git diff failed: ${diff.stderr}`, { hint: 'check that git works on this machine' });
    return `${diff.stdout}\n`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
