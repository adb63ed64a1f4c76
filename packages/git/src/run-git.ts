import { execa, ExecaError } from 'execa';
import { UserError } from '@runway/errors';

/** Extra process settings for one git call. */
export interface GitCallOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Return stdout byte-exact (file contents) instead of trimmed of its final newline. */
  exact?: boolean;
}

/**
 * Runs `git <args>` in `cwd` (argv array, never a shell string) and returns trimmed stdout.
 * @throws the execa error (with stderr) when git fails; callers that report to users map it
 * (`mapGitFailure`, or the CLI's own wording).
 */
export async function runGit(cwd: string, args: string[], options: GitCallOptions = {}): Promise<string> {
  const result = await execa('git', args, { cwd, env: options.env, input: options.input, stripFinalNewline: !options.exact });
  return result.stdout;
}

/**
 * A git command that failed. It is a `UserError`: git fails on the environment (no repository,
 * no remote, no access, a ref that does not exist), and the message says which command, where,
 * and what git said. `output` keeps git's stdout and stderr for callers that tell cases apart
 * (a push rejected because the branch moved), and `exitStatus` git's exit code.
 */
export class GitCommandError extends UserError {
  constructor(readonly args: readonly string[], readonly cwd: string, readonly output: string, cause: unknown, readonly exitStatus?: number) {
    const said = output.trim().split('\n').filter(Boolean).slice(-3).join(' / ') || 'no output';
    super(`git ${args.slice(0, 2).join(' ')} failed in ${cwd}: ${said}`, {
      hint: 'check the repository there (git status, git remote -v) and your access to its remote',
      cause,
    });
    this.name = 'GitCommandError';
  }
}

/**
 * The adapter's error policy for git: a failed git call becomes a `GitCommandError` (a UserError
 * saying what, where and what git said), git missing or a missing folder a UserError saying how
 * to fix it. Anything else passes through unchanged (a real bug keeps its stack).
 */
export function mapGitFailure(err: unknown, cwd: string, args: readonly string[]): unknown {
  if (!(err instanceof ExecaError)) return err;
  if (err.code === 'ENOENT' && err.exitCode === undefined) {
    const missingCwd = /"cwd" option is invalid/.test(err.message);
    return new UserError(missingCwd ? `cannot run git in ${cwd}: the folder does not exist` : 'git is not installed (or not on PATH)', {
      hint: 'install git (e.g. apt-get install git) and run this from a clone of the repository', cause: err,
    });
  }
  return new GitCommandError(args, cwd, `${err.stdout ?? ''}\n${err.stderr ?? ''}`, err, err.exitCode);
}

/** `runGit` under the adapter's error policy (`mapGitFailure`): what the release's git calls use. */
export async function git(cwd: string, args: string[], options: GitCallOptions = {}): Promise<string> {
  try {
    return await runGit(cwd, args, options);
  } catch (err) {
    throw mapGitFailure(err, cwd, args);
  }
}
