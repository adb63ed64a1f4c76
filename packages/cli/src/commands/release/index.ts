import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import type { CliContext } from '../../context';
import { releaseTag } from './release-tag';
import { releaseValidate, type ValidateFlags } from './validate';

const collect = (value: string, previous: string[]) => [...previous, value];

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
  release
    .command('validate')
    .description('install a published release from its registry into an empty folder as a user would, run every smoke command (runtimes and payload images pulled by digest), report, and record the verdict on the release as VERIFICATION.json')
    .argument('<tag>', 'a released tag: <name>@X.Y.Z, vX.Y.Z (every project of the umbrella) or vX.Y.Z-rc.N (the RC\'s own registry)')
    .option('--key <public-key>', 'pin a public key (a .pub file or an "ssh-ed25519 AAAA…" line): the registry index and packages must be signed by it; repeat to pin two', collect, [])
    .option('--dir <dir>', 'install into this folder (new or empty; kept afterwards) instead of a temporary one')
    .option('--no-record', 'do not write VERIFICATION.json onto the release')
    .option('--registry-dir <dir>', 'the directory registry (default: GitHub from GITHUB_REPOSITORY/GITHUB_TOKEN, else dist/registry; also RUNWAY_REGISTRY_DIR)')
    .option('--image-registry <prefix>', 'registry prefix the payload images were published under (default RUNWAY_IMAGE_REGISTRY)')
    .action((tag: string, opts: ValidateFlags) => releaseValidate(tag, opts, ctx));
}
