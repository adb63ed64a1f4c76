import type { PublicKey } from './public-key';

/** Why a signature was not accepted. */
export type SignatureFailure =
  /** The signature text or structure is not what the format says (or is oversized). */
  | 'malformed'
  /** Made (or claimed to be made) by a key that is not pinned. */
  | 'unknown-key'
  /** Made for another purpose (SSHSIG namespace, DSSE payload type). */
  | 'wrong-purpose'
  /** The key is pinned but the signature does not verify: the bytes or the signature were changed. */
  | 'bad-signature';

/** The outcome of checking a signature against the pinned keys. */
export type SignatureCheck =
  | { ok: true; key: PublicKey }
  | { ok: false; reason: SignatureFailure; message: string };

/** Printable form of untrusted short text for a message, or a placeholder when it is not plain. */
export function quoteUntrusted(text: string): string {
  return /^[\x20-\x7e]{1,100}$/.test(text) ? JSON.stringify(text) : '(unprintable)';
}
