import { InternalError, UserError } from '@runway/errors';
import { serializeRegistry, timestamp, type Registry } from '@runway/registry';
import { isObject, parseJsonObject } from './json';
import type { SigningKey } from './private-key';
import type { PublicKey } from './public-key';
import type { Refusal } from './refusal';
import { signIndex } from './release-trust-files';
import { parseRfc3339 } from './rfc3339';
import type { SignatureFailure } from './signature-check';
import { INDEX_NAMESPACE, verifySshsig } from './sshsig';

/**
 * The signed index: `registry.json` carries `serial` (an integer that only grows) and `expires`
 * (RFC 3339) as extra top-level fields, which a Joblet-shaped client ignores, and sits next to
 * `registry.json.sig`, an SSHSIG over its exact bytes in namespace `runway-registry`.
 */

/** The fields a signed index adds to `registry.json`. */
export interface IndexMetadata {
  serial: number;
  expires: string;
}

/**
 * How long a signed index stays valid when the publisher does not say. Every publish re-signs it;
 * a project that releases less often than this must re-sign on a schedule, or clients refuse the
 * index as frozen. Long enough for that schedule to be monthly, short enough to bound a freeze.
 */
export const DEFAULT_INDEX_TTL_SECONDS = 90 * 24 * 60 * 60;

/** A signed index larger than this is refused before anything else is done with it. */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024;

/** Why a signed index was refused. */
export type IndexRefusalReason = 'missing-signature' | SignatureFailure | 'malformed-index' | 'rollback' | 'expired';

/**
 * The outcome of `checkIndex`. On success, `document` is the JSON of the verified bytes, parsed
 * once: a registry of 10,000 versions takes longer to parse than to verify, so the client reads
 * the registry from it instead of parsing the bytes again.
 */
export type IndexCheck = ({ ok: true; keyId: string; document: Record<string, unknown> } & IndexMetadata) | Refusal<IndexRefusalReason>;

/**
 * Reads `serial` and `expires` from a parsed `registry.json` document: the metadata, undefined when
 * the index was never signed (neither field), or a problem when they are present but malformed.
 */
export function readIndexMetadata(doc: unknown): { metadata?: IndexMetadata } | { problem: string } {
  if (!isObject(doc)) return { problem: 'the index is not a JSON object' };
  if (doc.serial === undefined && doc.expires === undefined) return {};
  if (typeof doc.serial !== 'number' || !Number.isSafeInteger(doc.serial) || doc.serial < 1) return { problem: '"serial" is not a positive integer' };
  if (typeof doc.expires !== 'string' || parseRfc3339(doc.expires) === undefined) return { problem: '"expires" is not an RFC 3339 date-time' };
  return { metadata: { serial: doc.serial, expires: doc.expires } };
}

/**
 * The `serial` and `expires` of the next signed index: the previous serial plus one (1 for an index
 * never signed before), expiring `ttlSeconds` after `now`. `previous` is the parsed current
 * `registry.json` (or undefined when there is none). Throws `UserError` when the previous metadata
 * is malformed: starting again at 1 would make every client refuse the index as a rollback.
 */
export function nextIndexMetadata(previous: unknown, now: Date, ttlSeconds: number = DEFAULT_INDEX_TTL_SECONDS): IndexMetadata {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new UserError(`the index lifetime must be a positive number of seconds, got ${ttlSeconds}`);
  const read = previous === undefined ? {} : readIndexMetadata(previous);
  if ('problem' in read) {
    throw new UserError(`registry.json: ${read.problem}; cannot sign the next index`, {
      hint: 'restore "serial" to the last published value (clients refuse any serial below the one they saw)',
    });
  }
  const serial = (read.metadata?.serial ?? 0) + 1;
  if (!Number.isSafeInteger(serial)) throw new UserError('registry.json: "serial" cannot grow any further');
  return { serial, expires: timestamp(new Date(now.getTime() + ttlSeconds * 1000)) };
}

/**
 * The client's check of a signed index, fully offline. In order: the signature file is present, it
 * is an SSHSIG in namespace `runway-registry` by a pinned key over exactly `bytes`; the signed
 * document carries a valid `serial` and `expires`; the serial is not below `lastSeenSerial` (the
 * highest serial this client accepted from this registry; a replayed older index is refused); and
 * `now` is before `expires` (a frozen index is refused). An equal serial passes (the same index
 * fetched again). Only after `ok` may the registry be read, from `document` (or exactly `bytes`).
 * Never throws on hostile input.
 */
export function checkIndex(input: {
  bytes: Uint8Array;
  signature: Uint8Array | string | undefined;
  pinnedKeys: readonly PublicKey[];
  lastSeenSerial?: number;
  now: Date;
}): IndexCheck {
  if (input.pinnedKeys.length === 0) throw new InternalError('checkIndex needs at least one pinned key');
  // Bounded before the signature is checked: hashing 1 GB of hostile bytes is work too.
  if (input.bytes.length > MAX_INDEX_BYTES) {
    return refuse('malformed-index', `registry.json is over ${MAX_INDEX_BYTES} bytes`, 'this is not a registry index; check the registry URL');
  }
  if (input.signature === undefined) {
    return refuse('missing-signature', 'registry.json has no signature (registry.json.sig), but a key is pinned for this registry',
      'the index was published unsigned or its signature was removed: do not install from it; ask the publisher to sign it, or drop the key pin if this registry is meant to be unsigned');
  }
  const signature = verifySshsig({ message: input.bytes, signature: input.signature, pinnedKeys: input.pinnedKeys, namespace: INDEX_NAMESPACE });
  if (!signature.ok) return refuse(signature.reason, `registry.json.sig: ${signature.message}`, SIGNATURE_HINTS[signature.reason]);
  const parsed = parseJsonObject(input.bytes, MAX_INDEX_BYTES);
  if ('problem' in parsed) return refuse('malformed-index', `registry.json is signed but is ${parsed.problem}`, 'the publisher signed a broken index; report it to them');
  const read = readIndexMetadata(parsed.value);
  if ('problem' in read || !read.metadata) {
    return refuse('malformed-index', `registry.json is signed but ${'problem' in read ? read.problem : 'has no "serial" and "expires"'}`,
      'the publisher signed an index without its metadata; report it to them');
  }
  const { serial, expires } = read.metadata;
  if (input.lastSeenSerial !== undefined && serial < input.lastSeenSerial) {
    return refuse('rollback', `registry.json has serial ${serial}, older than serial ${input.lastSeenSerial} already seen from this registry (an old index is being replayed)`,
      'a mirror or cache serves an outdated copy, or someone withholds updates: retry with --refresh later, or use another source of this registry');
  }
  if (input.now.getTime() >= (parseRfc3339(expires) as number)) {
    return refuse('expired', `registry.json expired at ${expires} (serial ${serial})`,
      'the publisher must re-sign the index before it expires (every release does); an outdated mirror, or someone freezing updates, looks the same: retry with --refresh, then tell the publisher');
  }
  return { ok: true, serial, expires, keyId: signature.key.keyId, document: parsed.value };
}

/** What to do about each way a signature can fail. */
export const SIGNATURE_HINTS: Record<SignatureFailure, string> = {
  malformed: 'the signature file is damaged or is not an SSH signature: re-fetch with --refresh; if it persists, do not trust this source',
  'unknown-key': 'it is signed by a key you have not pinned: if the project rotated its key, pin the new public key (pin both while rotating); otherwise do not trust this source',
  'wrong-purpose': 'the signature was made for something else and does not vouch for this file: do not trust this source',
  'bad-signature': 'the file or its signature was changed after signing: do not trust this source; re-fetch with --refresh in case a copy was torn',
};

function refuse(reason: IndexRefusalReason, message: string, hint: string): Refusal<IndexRefusalReason> {
  return { ok: false, reason, message, hint };
}

/** What to publish as the next `registry.json`: its exact text and, when signed, `registry.json.sig` over it. */
export interface IndexFiles {
  registry: string;
  /** Undefined when published unsigned (no key, and the index was never signed). */
  signature?: string;
  /** The metadata of a signed index. */
  metadata?: IndexMetadata;
}

/**
 * The files of the next index, for every writer of `registry.json` (release, promote, deprecate,
 * re-sign): `next` with `serial` + 1 and a fresh `expires` (`nextIndexMetadata` of `previous`, the
 * document as published before this write), serialised once, and its signature over exactly those
 * bytes. Without a key the text is `next` as it is, unsigned; but an index that was signed before
 * is refused (`UserError`): its clients pin the key, and an unsigned or stale-signed successor
 * would make every one of them refuse the registry. Signing an unsigned registry for the first
 * time changes nothing but the two top-level fields, so published entries stay byte-identical.
 */
export function nextIndexFiles(input: { next: Registry; previous: unknown; key: SigningKey | undefined; now: Date; ttlSeconds?: number }): IndexFiles {
  const { next, previous, key, now } = input;
  if (!key) {
    const read = previous === undefined ? {} : readIndexMetadata(previous);
    if ('problem' in read || read.metadata) {
      throw new UserError('registry.json is signed, but no signing key is configured: writing it unsigned would make every client that pins the key refuse it', {
        hint: 'set RUNWAY_SIGNING_KEY to the private key (or the path of its file) and run again',
      });
    }
    return { registry: serializeRegistry(next) };
  }
  const metadata = nextIndexMetadata(previous, now, input.ttlSeconds);
  const registry = serializeRegistry({ ...next, ...metadata });
  return { registry, signature: signIndex(Buffer.from(registry), key), metadata };
}

/**
 * Whether `signature` is a valid `registry.json.sig` by `key` over exactly `bytes`: a writer that
 * finds its index unchanged still repairs a signature that is missing or torn (a crash between the
 * two writes) instead of calling the index done.
 */
export function indexSignedBy(bytes: Uint8Array, signature: string | undefined, key: SigningKey): boolean {
  return signature !== undefined && verifySshsig({ message: bytes, signature, pinnedKeys: [key.publicKey], namespace: INDEX_NAMESPACE }).ok;
}
