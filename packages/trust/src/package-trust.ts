import { UserError } from '@runway/errors';
import { INTOTO_PAYLOAD_TYPE, parseEnvelopeLines, verifyEnvelope } from './dsse';
import { parseProvenance, type Provenance } from './provenance';
import type { PublicKey } from './public-key';
import type { Refusal } from './refusal';
import type { SignatureFailure } from './signature-check';
import { SIGNATURE_HINTS } from './signed-index';

/** Why a downloaded package was refused. */
export type PackageRefusalReason = 'checksum-mismatch' | 'size-mismatch' | 'missing-provenance' | 'malformed-provenance' | SignatureFailure | 'not-in-provenance';

/** The outcome of `checkPackageTrust`: the provenance that vouches for the package, or a refusal. */
export type PackageCheck =
  | { ok: true; keyId: string; subject: string; provenance: Provenance }
  | Refusal<PackageRefusalReason>;

/**
 * The client's check of one downloaded package, before anything is renamed into place, fully
 * offline. `packageSha256` and `size` are what the download measured while streaming (no file is
 * read again); `entry` is the package's entry in an index that `checkIndex` accepted;
 * `provenanceEnvelope` is the release's `provenance.intoto.jsonl` (undefined when it could not be
 * fetched). Passes when the bytes are the entry's, a DSSE envelope in the file verifies with a
 * pinned key, and its statement names this sha256 as a subject. Never throws on hostile input.
 */
export function checkPackageTrust(input: {
  packageSha256: string;
  size: number;
  entry: { checksum: string; size: number };
  provenanceEnvelope: Uint8Array | string | undefined;
  pinnedKeys: readonly PublicKey[];
}): PackageCheck {
  const sha256 = input.packageSha256.toLowerCase();
  if (input.entry.checksum.toLowerCase() !== `sha256:${sha256}`) {
    return refuse('checksum-mismatch', `the package's sha256 is ${sha256}, but the index lists ${input.entry.checksum}`, 'the download was altered or the wrong file is served: nothing was installed; do not use this source');
  }
  if (input.size !== input.entry.size) {
    return refuse('size-mismatch', `the package has ${input.size} bytes, but the index lists ${input.entry.size}`, 'the download was altered or the wrong file is served: nothing was installed');
  }
  if (input.provenanceEnvelope === undefined) {
    return refuse('missing-provenance', 'the release publishes no provenance (provenance.intoto.jsonl), but a key is pinned for this registry',
      'the release was published unsigned or its provenance was removed: do not install it; ask the publisher to re-release it signed');
  }
  let envelopes;
  try {
    envelopes = parseEnvelopeLines(input.provenanceEnvelope, 'provenance.intoto.jsonl');
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return refuse('malformed-provenance', err.message, 'the provenance file is damaged: re-fetch with --refresh; if it persists, do not trust this source');
  }
  let firstFailure: Refusal<PackageRefusalReason> | undefined;
  for (const envelope of envelopes) {
    const verified = verifyEnvelope(envelope, { payloadType: INTOTO_PAYLOAD_TYPE, pinnedKeys: input.pinnedKeys });
    if (!verified.ok) {
      firstFailure ??= refuse(verified.reason, `provenance.intoto.jsonl: ${verified.message}`, SIGNATURE_HINTS[verified.reason]);
      continue;
    }
    let provenance: Provenance;
    try {
      provenance = parseProvenance(verified.payload, 'provenance.intoto.jsonl');
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      firstFailure ??= refuse('malformed-provenance', `${err.message} (it is signed by ${verified.key.keyId})`, 'the publisher signed a provenance Runway cannot read; report it to them');
      continue;
    }
    const subject = provenance.subjects.find((s) => s.sha256 === sha256);
    if (subject) return { ok: true, keyId: verified.key.keyId, subject: subject.name, provenance };
    firstFailure = refuse('not-in-provenance', `the signed provenance of ${provenance.tag} does not name this package (sha256 ${sha256})`,
      'the package is not the one the release built (or the provenance belongs to another release): do not install it');
  }
  return firstFailure as Refusal<PackageRefusalReason>;
}

function refuse(reason: PackageRefusalReason, message: string, hint: string): Refusal<PackageRefusalReason> {
  return { ok: false, reason, message, hint };
}
