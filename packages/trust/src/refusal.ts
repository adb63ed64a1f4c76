import { UserError } from '@runway/errors';

/** A check that failed: a stable `reason` code for programs, a sentence and a fix for people. */
export interface Refusal<Reason extends string> {
  ok: false;
  reason: Reason;
  /** What failed and why, without the subject (the caller prefixes the registry or package name). */
  message: string;
  /** What the user can do about it. */
  hint: string;
}

/** The `UserError` a command throws for a refusal: `<subject>: <message>` plus the hint. */
export function refusalError(refusal: Refusal<string>, subject: string): UserError {
  return new UserError(`${subject}: ${refusal.message}`, { hint: refusal.hint });
}
