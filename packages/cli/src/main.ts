import { Command, CommanderError } from 'commander';
import { ExitError, formatError, UserError } from '@runway/errors';
import { redact, redactingLogger, secretsFrom, streamLogger } from '@runway/log';
import type { CliContext } from './context';

/** A command group lives in `commands/<name>/index.ts` and is imported only when invoked. */
type CommandModule = { register(program: Command, ctx: CliContext): void };
const commandGroups: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  runtime: { summary: 'list, inspect, install, verify and remove runtimes from a registry', load: () => import('./commands/runtime') },
  release: { summary: 'maintainer helpers for releases (tag a runtime release)', load: () => import('./commands/release') },
  'image-tags': { summary: 'compute the channel tags of a runenv image for a git ref', load: () => import('./commands/image-tags') },
  image: { summary: 'manage published runenv images (retag for rollback)', load: () => import('./commands/image') },
  keys: { summary: 'generate the Ed25519 key pair that signs releases', load: () => import('./commands/keys') },
};

/** Runs the CLI and resolves to the process exit code. User errors print without stack traces. */
export async function main(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const env = partial.env ?? process.env;
  const stdout = partial.stdout ?? process.stdout;
  const stderr = partial.stderr ?? process.stderr;
  const secrets = secretsFrom(env);
  const ctx: CliContext = {
    cwd: partial.cwd ?? process.cwd(),
    env, stdout, stderr,
    logger: partial.logger ?? redactingLogger(streamLogger(stdout, stderr), secrets),
    interactive: partial.interactive ?? (Boolean((stdout as NodeJS.WriteStream).isTTY) && !env.CI),
  };

  const program = new Command('runway')
    .description('Release orchestration for runtimes and runenv images')
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });
  const group = commandGroups[argv[0] ?? ''];
  if (group) {
    (await group.load()).register(program, ctx);
  } else {
    for (const [name, g] of Object.entries(commandGroups)) program.command(name).description(g.summary);
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ExitError) return err.code;
    stderr.write(`${redact(formatError(err), secrets)}\n`);
    return err instanceof UserError ? err.exitCode : 70;
  }
}
