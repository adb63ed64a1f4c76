import { execa } from 'execa';

/** Extra process settings for one git call. */
export interface GitCallOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Return stdout byte-exact (file contents) instead of trimmed of its final newline. */
  exact?: boolean;
}

/**
 * Runs `git <args>` in `cwd` (argv array, never a shell string) and returns trimmed stdout.
 * @throws the execa error (with stderr) when git fails.
 */
export async function runGit(cwd: string, args: string[], options: GitCallOptions = {}): Promise<string> {
  const result = await execa('git', args, { cwd, env: options.env, input: options.input, stripFinalNewline: !options.exact });
  return result.stdout;
}
