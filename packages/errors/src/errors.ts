/** Options shared by every Runway error: a fix for the user and the underlying cause. */
export interface ErrorDetails {
  /** How to fix it, e.g. `bump "version" in runtimes/x/manifest.yaml`. */
  hint?: string;
  /** A documentation anchor for the rule that failed. */
  docs?: string;
  cause?: unknown;
  /** Process exit code when this error ends the CLI (default 1; 2 for usage errors). */
  exitCode?: number;
}

/** Bad input or configuration: the user can fix it. Printed without a stack trace. */
export class UserError extends Error {
  readonly hint?: string;
  readonly docs?: string;
  readonly exitCode: number;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'UserError';
    this.hint = details.hint;
    this.docs = details.docs;
    this.exitCode = details.exitCode ?? 1;
  }
}

/** A failure that is safe to retry (network, 5xx, 429, a moved branch). */
export class TransientError extends Error {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'TransientError';
  }
}

/** A bug in Runway itself. */
export class InternalError extends Error {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'InternalError';
  }
}

/** Already reported to the user; the CLI exits with `code` and prints nothing more. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitError';
  }
}

/**
 * Renders an error for a terminal: user errors as `error: message` plus the hint, anything else
 * with its stack so a bug can be reported. Never includes secrets because messages never do.
 */
export function formatError(err: unknown): string {
  if (err instanceof UserError) {
    const lines = [`error: ${err.message}`];
    if (err.hint) lines.push(`  fix: ${err.hint}`);
    if (err.docs) lines.push(`  see: ${err.docs}`);
    return lines.join('\n');
  }
  if (err instanceof TransientError) return `error: ${err.message} (temporary failure: re-run to retry)`;
  const e = err instanceof Error ? err : new Error(String(err));
  return `internal error: ${e.stack ?? e.message}\n  This is a bug in Runway; please report it with the command you ran.`;
}
