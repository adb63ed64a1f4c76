import type { Command } from 'commander';
import { UserError } from '@runway/errors';
import { runGit } from '@runway/git';
import { computeImageTags, parseReleaseRef } from '@runway/release-policy';
import type { CliContext } from '../../context';

interface ImageTagsOptions {
  ref: string;
  sha: string;
  event: string;
  date?: string;
  defaultBranch: string;
  published?: string;
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
    .option('--published <list>', 'comma-separated versions or tags already published (default: git tag --list here)')
    .option('--km', 'KM mode: latest and the full SHA', false)
    .option('--json', 'print a JSON array', false)
    .action(async (opts: ImageTagsOptions) => {
      const date = opts.date === undefined ? new Date() : parseDate(opts.date);
      // Published versions only matter for version tags; a branch never needs git.
      const needsPublished = !opts.km && parseReleaseRef(opts.ref, opts.defaultBranch).kind !== 'branch';
      const published = opts.published !== undefined
        ? opts.published.split(',').map((p) => p.trim()).filter(Boolean)
        : needsPublished ? await gitTags(ctx.cwd) : [];
      const tags = computeImageTags({ ref: opts.ref, sha: opts.sha, event: opts.event, date, defaultBranch: opts.defaultBranch, published, km: opts.km });
      ctx.stdout.write(opts.json ? `${JSON.stringify(tags)}\n` : tags.map((t) => `${t}\n`).join(''));
    });
}

function parseDate(text: string): Date {
  const date = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d\d-\d\d$/.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new UserError(`--date ${text} is not a date`, { hint: 'use YYYY-MM-DD, e.g. 2026-03-04', exitCode: 2 });
  }
  return date;
}

async function gitTags(cwd: string): Promise<string[]> {
  try {
    return (await runGit(cwd, ['tag', '--list'])).split('\n').filter(Boolean);
  } catch (err) {
    throw new UserError(`cannot list the git tags in ${cwd}: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`, {
      hint: 'run inside the repository, or pass the published versions with --published 1.2.0,1.3.0', cause: err,
    });
  }
}
