import { Command, CommanderError } from 'commander';
import { mapFsError } from '@runway/atomic-write';
import { ExitError, formatError, TransientError, UserError } from '@runway/errors';
import { redact, redactingLogger, secretsFrom, streamLogger } from '@runway/log';
import type { CliContext } from './context';
import { mapGitError } from './git-failure';

/** A command group lives in `commands/<name>/index.ts` and is imported only when invoked. */
type CommandModule = { register(program: Command, ctx: CliContext): void };
const commandGroups: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  runtime: { summary: 'list, inspect, install, verify and remove runtimes from a registry', load: () => import('./commands/runtime') },
  release: { summary: 'maintainer helpers for releases (tag a runtime release)', load: () => import('./commands/release') },
  'image-tags': { summary: 'compute the channel tags of a runenv image for a git ref', load: () => import('./commands/image-tags') },
  image: { summary: 'manage published runenv images (retag for rollback)', load: () => import('./commands/image') },
  keys: { summary: 'generate the Ed25519 key pair that signs releases', load: () => import('./commands/keys') },
  registry: { summary: 're-sign the published registry index (scheduled, before it expires)', load: () => import('./commands/registry') },
  promote: { summary: 'promote a validated release candidate vX.Y.Z-rc.N to X.Y.Z without rebuilding', load: () => import('./commands/promote') },
  deprecate: { summary: 'deprecate a released version (registry entry, release notes banner), deleting nothing', load: () => import('./commands/deprecate') },
  changelog: { summary: 'release the changelog, check the changelog gate, print release notes', load: () => import('./commands/changelog') },
};

/** Exit codes of the CLI: one policy for every command. */
const EXIT = { ok: 0, user: 1, usage: 2, internal: 70, transient: 75 } as const;

/**
 * The last line of defence for environment mistakes a command did not map itself: a filesystem
 * error (missing folder, permission, full disk) or a failed git call is the user's to fix, not a
 * bug, so it becomes a UserError without a stack trace. Anything else is returned unchanged.
 */
function asEnvironmentError(err: unknown, cwd: string): unknown {
  const e = err as { syscall?: unknown; path?: unknown; command?: unknown };
  if (typeof e?.command === 'string' && /^git\b/.test(e.command)) return mapGitError(err, 'run git', cwd);
  if (typeof e?.syscall === 'string') return mapFsError(err, `${e.syscall}${typeof e.path === 'string' ? ` ${e.path}` : ''}`);
  return err;
}

/** The exit code for an error that ended a command (SPEC: user 1, usage 2, transient 75, bug 70). */
function exitCodeOf(err: unknown): number {
  if (err instanceof UserError) return err.exitCode;
  if (err instanceof TransientError) return EXIT.transient;
  return EXIT.internal;
}

/**
 * Runs the CLI and resolves to the process exit code: 0, 1 for user and environment mistakes
 * (what, where, how to fix; no stack trace), 2 for usage errors (commander's and bad option
 * values), 75 for transient failures worth a re-run, 70 with a stack trace only for real bugs.
 */
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
    // commander has already printed its message (or the help) through configureOutput.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof ExitError) return err.code;
    const failure = asEnvironmentError(err, ctx.cwd);
    stderr.write(`${redact(formatError(failure), secrets)}\n`);
    return exitCodeOf(failure);
  }
}
