import { TransientError } from '@runway/errors';
import { checkIndex, lastSeenSerial, refusalError, type PublicKey, type TrustState } from '@runway/trust';
import type { FetchedIndex } from './http-cache';

/** The keys pinned for one registry, and what this client remembers of the indexes it accepted. */
export interface IndexTrustOptions {
  pinnedKeys: readonly PublicKey[];
  state: TrustState;
}

/**
 * What is known of a registry's index: verified against a pinned key (signature, serial not
 * below the last one seen, not expired), or read without a key, signed (`registry.json.sig`
 * exists) or not.
 */
export type IndexTrust =
  | { status: 'verified'; serial: number; expires: string; keyId: string; pinnedKeys: readonly PublicKey[] }
  | { status: 'unverified'; signed: boolean };

/**
 * Fetches a registry with its signature and, when keys are pinned, checks it (`checkIndex`)
 * before anything is read from it. A refused pair is fetched once more, fresh (`fetch(true)`:
 * no cache, no ETag), and checked again: a registry read while its publisher was replacing both
 * files, or a damaged cached copy, then passes; a second refusal is final, a `UserError` saying
 * what failed and why. Without keys the pair is returned as read, with whether it was signed.
 */
export async function fetchTrustedIndex<T extends FetchedIndex>(
  input: { id: string; label: string; trust?: IndexTrustOptions; now: Date },
  fetch: (fresh: boolean) => Promise<T>,
): Promise<{ fetched: T; trust: IndexTrust }> {
  const first = await fetch(false);
  const { trust } = input;
  if (!trust) return { fetched: first, trust: { status: 'unverified', signed: first.signature !== null } };
  const check = (fetched: T) => checkIndex({
    // The text was decoded from the bytes served: valid UTF-8 encodes back to exactly those bytes,
    // anything else to different bytes, which the signature then refuses.
    bytes: Buffer.from(fetched.body, 'utf8'),
    signature: fetched.signature ?? undefined,
    pinnedKeys: trust.pinnedKeys,
    lastSeenSerial: lastSeenSerial(trust.state, input.id),
    now: input.now,
  });
  const subject = `registry ${input.label}`;
  let fetched = first;
  let checked = check(first);
  if (!checked.ok) {
    try {
      fetched = await fetch(true);
    } catch (err) {
      // The refusal is the news; that the second look failed to connect is not.
      if (err instanceof TransientError) throw refusalError(checked, subject);
      throw err;
    }
    checked = check(fetched);
    if (!checked.ok) throw refusalError(checked, subject);
  }
  return { fetched, trust: { status: 'verified', serial: checked.serial, expires: checked.expires, keyId: checked.keyId, pinnedKeys: trust.pinnedKeys } };
}
