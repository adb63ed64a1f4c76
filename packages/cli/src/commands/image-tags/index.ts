import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { runGit } from '@runway/git';
import { computeImageTags, needsPublishedVersions, parseReleaseRef, publishedFromGitTags } from '@runway/release-policy';
import type { CliContext } from '../../context';
import { mapGitError } from '../../git-failure';

interface ImageTagsOptions {
  ref: string;
  sha: string;
  event: string;
  date?: string;
  defaultBranch: string;
  published?: string[];
  publishedFile?: string;
  km: boolean;
  json: boolean;
}

/** `runway image-tags`: the channel tags of a runenv image for a git ref (SPEC §7), nothing pushed. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('image-tags')
    .description('print the channel tags a runenv image gets for a git ref (image name not included)')
    .requiredOption('--ref <ref>', 'git ref, e.g. refs/heads/main, refs/tags/v1.2.3, refs/tags/python@1.2.3')
    .requiredOption('--sha <sha>', 'full 40-hex commit SHA')
    .option('--event <event>', 'triggering event: push, tag or workflow_dispatch', 'push')
    .option('--date <YYYY-MM-DD>', 'build date for the nightly tag (default: today, UTC)')
    .option('--default-branch <name>', 'branch whose pushes publish edge and nightly', 'main')
    .option('--published <versions...>', 'versions or tags already published, space- or comma-separated ("" for none); '
      + 'default: the tags of this clone, refused when it is shallow or lacks tags')
    .option('--published-file <file>', 'read the published versions from a file: one or more per line, e.g. the output of git ls-remote --tags origin')
    .option('--km', 'KM mode: latest and the full SHA', false)
    .option('--json', 'print a JSON array', false)
    .action(async (opts: ImageTagsOptions) => {
      const date = opts.date === undefined ? new Date() : parseDate(opts.date);
      const input = { ref: opts.ref, sha: opts.sha, event: opts.event, date, defaultBranch: opts.defaultBranch, km: opts.km };
      // The published set only decides X.Y, X and latest of a stable version tag; nothing else reads git.
      const published = await givenPublished(opts, ctx.cwd)
        ?? (needsPublishedVersions(input) ? await publishedFromClone(ctx.cwd, tagOf(opts)) : []);
      const tags = computeImageTags({ ...input, published });
      if (tags.length === 0) {
        throw new UserError(`--ref ${opts.ref} gives no image tags: only pushes to the default branch (${opts.defaultBranch}) and release tags publish images`, {
          hint: 'pass the full ref of the default branch or of a release tag, e.g. refs/heads/main, refs/tags/v1.2.3 or refs/tags/python@1.2.3 '
            + '(--default-branch names another default branch)',
          exitCode: 2,
        });
      }
      ctx.stdout.write(opts.json ? `${JSON.stringify(tags)}\n` : tags.map((t) => `${t}\n`).join(''));
    });
}

/** The tag name of a version ref (`refs/tags/v1.2.3` → `v1.2.3`), as the clone's tag list spells it. */
function tagOf(opts: ImageTagsOptions): string {
  const ref = parseReleaseRef(opts.ref, opts.defaultBranch);
  return ref.kind === 'branch' ? ref.branch : ref.tag;
}

function parseDate(text: string): Date {
  const date = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d\d-\d\d$/.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new UserError(`--date ${text} is not a date`, { hint: 'use YYYY-MM-DD, e.g. 2026-03-04', exitCode: 2 });
  }
  return date;
}

/** Versions from `--published` and `--published-file` together, or undefined when neither was given. */
async function givenPublished(opts: ImageTagsOptions, cwd: string): Promise<string[] | undefined> {
  if (opts.published === undefined && opts.publishedFile === undefined) return undefined;
  const entries = (opts.published ?? []).flatMap(splitList);
  if (opts.publishedFile !== undefined) {
    const file = resolve(cwd, opts.publishedFile);
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw mapFsError(err, `read --published-file ${file}`);
    });
    entries.push(...splitList(text));
  }
  return entries;
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * The published versions as this clone's tags tell them (`publishedFromGitTags` decides whether
 * they can be trusted: not shallow, not tagless, holding the tag being published).
 */
async function publishedFromClone(cwd: string, tag: string): Promise<string[]> {
  const git = (args: string[]) => runGit(cwd, args).catch((err: unknown) => {
    throw mapGitError(err, 'read the published versions from the git tags', cwd,
      'run inside a clone of the repository, or pass the published versions with --published 1.2.0 1.3.0');
  });
  const [shallow, tags] = await Promise.all([
    git(['rev-parse', '--is-shallow-repository']),
    git(['tag', '--list']),
  ]);
  return publishedFromGitTags(tag, { shallow: shallow === 'true', tags: tags.split('\n').filter(Boolean) });
}
