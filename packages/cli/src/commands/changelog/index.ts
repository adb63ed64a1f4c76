import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { changelogCheck, changelogNotes, changelogRelease } from './changelog-commands';

/** `runway changelog …`: Keep a Changelog helpers for stable releases (the changelog gate). */
export function register(program: Command, ctx: CliContext): void {
  const changelog = program.command('changelog').description('release the changelog, check the changelog gate, print release notes');
  const project = ['--project <folder>', 'a project folder (e.g. runtimes/python-3.11): use its own CHANGELOG.md and <name>@ tags instead of the umbrella one'] as const;
  changelog
    .command('release')
    .description('move the Unreleased entries of CHANGELOG.md into "## [X.Y.Z] - YYYY-MM-DD" and write the compare links')
    .argument('<version>', 'the stable version to release, e.g. 1.4.0')
    .option(...project)
    .option('--date <YYYY-MM-DD>', 'release date (default: the date already in the section, else today in UTC)')
    .option('--repo-url <url>', 'repository web URL for the links (default: from the existing links, else GITHUB_SERVER_URL/GITHUB_REPOSITORY)')
    .option('--previous <version>', 'version the compare link starts from (default: the next lower version in the changelog)')
    .option('--dry-run', 'print the diff; change nothing', false)
    .action((version: string, opts) => changelogRelease(version, opts, ctx));
  changelog
    .command('check')
    .description('run the changelog gate of a stable release: section, date, compare link, upgrade notes on MINOR/MAJOR steps')
    .argument('<version>', 'the stable version to check, e.g. 1.4.0')
    .option(...project)
    .option('--previous <version>', 'previous stable release (default: the highest lower version among the git tags)')
    .option('--rev <commit>', 'check the files of this commit instead of the working tree')
    .action((version: string, opts) => changelogCheck(version, opts, ctx));
  changelog
    .command('notes')
    .description('print the release notes of a version: the body of its changelog section')
    .argument('<version>', 'e.g. 1.4.0')
    .option(...project)
    .action((version: string, opts) => changelogNotes(version, opts, ctx));
}
