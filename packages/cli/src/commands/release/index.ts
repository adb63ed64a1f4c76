import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import type { CliContext } from '../../context';
import { releaseTag } from './release-tag';

/** Asks a yes/no question on the terminal; anything but y/yes is a no. */
async function confirmOnTerminal(question: string, ctx: CliContext): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: ctx.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** `runway release …`: maintainer helpers. */
export function register(program: Command, ctx: CliContext): void {
  const release = program.command('release').description('maintainer helpers for releases');
  release
    .command('tag')
    .description('validate a runtime, then create and push its release tag <name>@<version> (or the umbrella tag vX.Y.Z)')
    .argument('<name>', 'runtime (or payload) folder name, e.g. python-3.11, or an umbrella tag such as v1.4.0')
    .option('-y, --yes', 'do not ask for confirmation', false)
    .option('--dry-run', 'check everything and print the plan; create and push nothing', false)
    .option('--remote <name>', 'git remote to check against and push to', 'origin')
    .option('-s, --sign', 'create a signed tag (required for stable v* tags) and check it against .github/allowed_signers / .github/signers.asc', false)
    .addOption(new Option('--signing-format <format>', 'signature format (default: git config gpg.format)').choices(['ssh', 'gpg']))
    .option('--signing-key <key>', 'SSH key file or GPG key id to sign with (default: git config user.signingkey)')
    .action((name: string, opts: { yes: boolean; dryRun: boolean; remote: string; sign: boolean; signingFormat?: 'ssh' | 'gpg'; signingKey?: string }) =>
      releaseTag({ name, ...opts }, {
        cwd: ctx.cwd,
        logger: ctx.logger,
        interactive: ctx.interactive,
        confirm: (question) => confirmOnTerminal(question, ctx),
      }));
}
