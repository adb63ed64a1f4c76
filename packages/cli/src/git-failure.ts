import { UserError } from '@runway/errors';

/** What execa puts on a failed call; only the fields read here. */
interface FailedCall {
  command?: string;
  stderr?: unknown;
  code?: unknown;
  exitCode?: unknown;
  originalMessage?: string;
}

const IDENTITY_HINT = 'tell git who you are, once per machine: git config --global user.name "Your Name" && '
  + 'git config --global user.email you@example.com (or only for this clone: the same without --global)';

/** Git's own explanation: its `fatal:`/`error:` lines, else its last line, bounded. */
function gitSays(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const said = lines.filter((l) => /^(fatal|error):/.test(l));
  return (said.length ? said : lines.slice(-1)).join(' / ').slice(0, 500);
}

/** Pure: does git's stderr say it has no user identity (a fresh machine, an empty HOME)? */
export function isMissingGitIdentity(stderr: string): boolean {
  return /Please tell me who you are|identity unknown|unable to auto-detect email address|empty ident name/i.test(stderr);
}

/**
 * Turns the failure of a git call made to `action` (e.g. `create the tag py@1.2.0`) in `cwd` into a
 * UserError that says what git said and how to fix it: no identity configured, git not installed
 * (or `cwd` gone), or any other refusal with git's message and command. Errors that did not come
 * from running a program pass through unchanged, so a real bug keeps its stack trace. `hint`
 * replaces the generic fix for git's other refusals.
 */
export function mapGitError(err: unknown, action: string, cwd: string, hint = 'fix what git reports above and run this again'): unknown {
  if (err instanceof UserError || typeof err !== 'object' || err === null) return err;
  const call = err as FailedCall;
  if (typeof call.command !== 'string') return err;
  if (call.code === 'ENOENT') {
    return new UserError(`cannot ${action}: git could not be started in ${cwd} (${call.originalMessage ?? 'ENOENT'})`, {
      hint: 'install git and make sure it is on PATH (e.g. apt-get install git), and run this from an existing folder',
      cause: err,
    });
  }
  const stderr = typeof call.stderr === 'string' ? call.stderr : '';
  if (isMissingGitIdentity(stderr)) {
    return new UserError(`cannot ${action}: git has no user name and email to record as the author (${gitSays(stderr)})`, { hint: IDENTITY_HINT, cause: err });
  }
  return new UserError(`cannot ${action}: "${call.command.slice(0, 200)}" failed in ${cwd}${stderr ? `: ${gitSays(stderr)}` : ` with exit code ${String(call.exitCode)}`}`, {
    hint,
    cause: err,
  });
}
