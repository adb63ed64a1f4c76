import { sign, verify } from 'node:crypto';
import { UserError } from '@runway/errors';
import { decodeBase64, encodeBase64, toBytes } from './bytes';
import { isObject, parseJsonObject } from './json';
import type { SigningKey } from './private-key';
import type { PublicKey } from './public-key';
import { quoteUntrusted, type SignatureFailure } from './signature-check';

/**
 * DSSE, the Dead Simple Signing Envelope (github.com/secure-systems-lab/dsse, protocol v1): the
 * signature covers PAE(payloadType, payload), so the payload type is authenticated with the bytes.
 */

/** The payload type of an in-toto Statement. */
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** One signature of an envelope. `keyid` is an unauthenticated hint (Runway writes the key's fingerprint). */
export interface DsseSignature {
  keyid?: string;
  sig: Uint8Array;
}

/** A DSSE envelope with its payload and signatures decoded. */
export interface DsseEnvelope {
  payloadType: string;
  payload: Uint8Array;
  signatures: DsseSignature[];
}

/** The outcome of verifying an envelope: the authenticated payload, or why not. */
export type EnvelopeCheck =
  | { ok: true; key: PublicKey; payload: Uint8Array }
  | { ok: false; reason: SignatureFailure; message: string };

const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;
const MAX_SIGNATURES = 16;
const MAX_KEYID = 256;

/**
 * The Pre-Authentication Encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths
 * in bytes as ASCII decimal. This, not the payload, is what is signed.
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** Signs `payload` as `payloadType` with `key`; the signature's `keyid` is the key's fingerprint. */
export function signEnvelope(payloadType: string, payload: Uint8Array | string, key: SigningKey): DsseEnvelope {
  const bytes = toBytes(payload);
  return { payloadType, payload: bytes, signatures: [{ keyid: key.publicKey.keyId, sig: sign(null, pae(payloadType, bytes), key.privateKey) }] };
}

/** The envelope as one line of JSON (`payload`, `payloadType`, `signatures`), no final newline. */
export function serializeEnvelope(envelope: DsseEnvelope): string {
  return JSON.stringify({
    payloadType: envelope.payloadType,
    payload: encodeBase64(envelope.payload),
    signatures: envelope.signatures.map((s) => ({ ...(s.keyid === undefined ? {} : { keyid: s.keyid }), sig: encodeBase64(s.sig) })),
  });
}

/**
 * Parses one JSON envelope strictly (bounded size, required fields of the right types, base64 in
 * either alphabet as DSSE allows, 1–16 signatures). Unknown fields are ignored, as DSSE asks.
 * Throws `UserError` naming `source`.
 */
export function parseEnvelope(input: Uint8Array | string, source = 'DSSE envelope'): DsseEnvelope {
  const bad = (why: string) => new UserError(`${source} is not a valid DSSE envelope: ${why}`);
  const parsed = parseJsonObject(input, MAX_ENVELOPE_BYTES);
  if ('problem' in parsed) throw bad(parsed.problem);
  const { payloadType, payload, signatures } = parsed.value;
  if (typeof payloadType !== 'string' || payloadType === '') throw bad('"payloadType" is not a non-empty string');
  const body = typeof payload === 'string' ? decodeBase64(payload, { urlSafe: true }) : undefined;
  if (!body) throw bad('"payload" is not base64');
  if (!Array.isArray(signatures) || signatures.length === 0 || signatures.length > MAX_SIGNATURES) {
    throw bad(`"signatures" is not a list of 1 to ${MAX_SIGNATURES} signatures`);
  }
  return {
    payloadType,
    payload: body,
    signatures: signatures.map((s, i) => {
      if (!isObject(s)) throw bad(`signature ${i + 1} is not an object`);
      const sig = typeof s.sig === 'string' ? decodeBase64(s.sig, { urlSafe: true }) : undefined;
      if (!sig) throw bad(`signature ${i + 1} has no base64 "sig"`);
      if (s.keyid !== undefined && (typeof s.keyid !== 'string' || s.keyid.length > MAX_KEYID)) throw bad(`signature ${i + 1} has a malformed "keyid"`);
      return s.keyid === undefined ? { sig } : { keyid: s.keyid, sig };
    }),
  };
}

/** Envelopes in one in-toto bundle file (`*.intoto.jsonl`): Runway writes one; a few more are read. */
const MAX_BUNDLE_ENVELOPES = 16;

/**
 * Parses an in-toto bundle (JSON Lines, one DSSE envelope per line; blank lines skipped), bounded.
 * Throws `UserError` naming `source` and the line.
 */
export function parseEnvelopeLines(input: Uint8Array | string, source = 'provenance'): DsseEnvelope[] {
  const bytes = toBytes(input);
  if (bytes.length > MAX_ENVELOPE_BYTES) throw new UserError(`${source} is over ${MAX_ENVELOPE_BYTES} bytes`);
  const lines = Buffer.from(bytes).toString('utf8').split('\n').map((line, i) => ({ line, at: i + 1 })).filter(({ line }) => line.trim() !== '');
  if (lines.length === 0) throw new UserError(`${source} is empty`);
  if (lines.length > MAX_BUNDLE_ENVELOPES) throw new UserError(`${source} holds more than ${MAX_BUNDLE_ENVELOPES} envelopes`);
  return lines.map(({ line, at }) => parseEnvelope(line, `${source}:${at}`));
}

/**
 * Verifies `envelope` as DSSE says: the payload type must be `payloadType`, and a signature over
 * PAE(payloadType, payload) must verify with one of `pinnedKeys` (any signature, any pinned key:
 * the `keyid` is only a hint). Returns the authenticated payload to parse; never parse the payload
 * of an envelope that did not verify.
 */
export function verifyEnvelope(envelope: DsseEnvelope, options: { payloadType: string; pinnedKeys: readonly PublicKey[] }): EnvelopeCheck {
  if (envelope.payloadType !== options.payloadType) {
    return { ok: false, reason: 'wrong-purpose', message: `the envelope carries ${quoteUntrusted(envelope.payloadType)}, not "${options.payloadType}"` };
  }
  const signed = pae(envelope.payloadType, envelope.payload);
  for (const signature of envelope.signatures) {
    if (signature.sig.length !== 64) continue;
    for (const key of options.pinnedKeys) {
      if (verify(null, signed, key.key, signature.sig)) return { ok: true, key, payload: envelope.payload };
    }
  }
  const pinnedIds = new Set(options.pinnedKeys.map((k) => k.keyId));
  const claimed = envelope.signatures.map((s) => s.keyid).filter((id): id is string => id !== undefined);
  if (claimed.length === envelope.signatures.length && !claimed.some((id) => pinnedIds.has(id))) {
    return { ok: false, reason: 'unknown-key', message: `the envelope is signed by ${claimed.map(quoteUntrusted).join(', ')}, not by a pinned key` };
  }
  return { ok: false, reason: 'bad-signature', message: 'no signature of the envelope verifies with a pinned key (the payload or the signature was changed)' };
}
