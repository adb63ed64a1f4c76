import { UserError } from '@runway/errors';
import type { TagSignatureResult } from './verify-tag-signature';

/** Whether a release may use a tag, given its signature and whether the policy requires one. */
export type SignatureVerdict =
  | { ok: true; warning?: string }
  | { ok: false; error: UserError };

/**
 * Pure: the release's decision on a checked tag. A required signature must be verified. When the
 * signature is optional an unsigned tag passes, an unknown signer passes with a warning, and a bad
 * signature is still refused: a tag whose signature does not match its content was altered.
 */
export function signatureVerdict(result: TagSignatureResult, required: boolean): SignatureVerdict {
  if (result.status === 'verified') return { ok: true };
  if (!required && result.status === 'unsigned') return { ok: true };
  if (!required && result.status === 'unknown-signer') return { ok: true, warning: result.message };
  const why = required ? `${result.tag} must be signed by a trusted signer` : `${result.tag} has a signature that does not verify`;
  return { ok: false, error: new UserError(`${why}: ${result.message}`, { hint: result.fix }) };
}
