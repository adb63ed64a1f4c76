import type { Logger } from '@runway/log';

/** What every command receives instead of reaching for globals, so commands are testable in-process. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Writes to stdout/stderr with secrets from `env` masked. */
  logger: Logger;
  /** True when stdout is an interactive terminal and not CI: progress bars and prompts allowed. */
  interactive: boolean;
}
