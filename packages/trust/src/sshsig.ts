import { createHash, sign, verify } from 'node:crypto';
import { armor, dearmor } from './armor';
import { toBytes } from './bytes';
import type { SigningKey } from './private-key';
import { publicKeyFromBlob, type PublicKey } from './public-key';
import { quoteUntrusted, type SignatureCheck } from './signature-check';
import { SshReader, sshString, sshUint32, WireFormatError } from './ssh-wire';

/**
 * SSHSIG (OpenSSH PROTOCOL.sshsig): the detached signature format of `ssh-keygen -Y sign`, checked
 * by `ssh-keygen -Y verify`. The namespace is signed too, so a signature made for one purpose is
 * never accepted for another.
 */

/** Namespace of the `SHA256SUMS` signature: `file`, the one `ssh-keygen -Y sign` documents for files. */
export const SUMS_NAMESPACE = 'file';
/**
 * Namespace of the `registry.json` signature. Its own name means no file signature ever made with
 * the key (a `SHA256SUMS`, or anything signed with `-n file`) can pass as a signed index.
 */
export const INDEX_NAMESPACE = 'runway-registry';

const LABEL = 'SSH SIGNATURE';
const MAGIC = Buffer.from('SSHSIG', 'latin1');
const VERSION = 1;
/** A real Ed25519 SSHSIG is about 300 bytes of text; anything far bigger is not one. */
const MAX_SIGNATURE_TEXT = 8 * 1024;
const HASHES = new Set(['sha256', 'sha512']);

/** The bytes the Ed25519 key signs: the preamble, namespace, reserved field, hash name and message hash. */
function signedData(namespace: string, reserved: Uint8Array, hash: string, message: Uint8Array): Uint8Array {
  const digest = createHash(hash).update(message).digest();
  return Buffer.concat([MAGIC, sshString(namespace), sshString(reserved), sshString(hash), sshString(digest)]);
}

/**
 * Signs `message` in `namespace` and returns the armored SSHSIG text (`-----BEGIN SSH SIGNATURE-----`
 * …), byte-identical to what `ssh-keygen -Y sign -n <namespace>` writes with the same key.
 * Ed25519 is deterministic, so the same key, namespace and message always give the same text.
 */
export function signSshsig(message: Uint8Array | string, key: SigningKey, namespace: string): string {
  const hash = 'sha512';
  const data = signedData(namespace, new Uint8Array(), hash, toBytes(message));
  const signature = Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, data, key.privateKey))]);
  return armor(LABEL, Buffer.concat([
    MAGIC, sshUint32(VERSION), sshString(key.publicKey.blob), sshString(namespace), sshString(''), sshString(hash), sshString(signature),
  ]));
}

/**
 * Checks an armored SSHSIG `signature` over `message`: it must be made in `namespace` by one of
 * `pinnedKeys` and verify. Returns the key that verified, or why not. Hostile input is bounded and
 * never thrown: every failure is a result.
 */
export function verifySshsig(input: { message: Uint8Array | string; signature: Uint8Array | string; pinnedKeys: readonly PublicKey[]; namespace: string }): SignatureCheck {
  const text = typeof input.signature === 'string' ? input.signature : Buffer.from(input.signature).toString('latin1');
  if (text.length > MAX_SIGNATURE_TEXT) return { ok: false, reason: 'malformed', message: `the signature is over ${MAX_SIGNATURE_TEXT} bytes; an SSH signature is a few hundred` };
  const found = dearmor(text, LABEL);
  if ('problem' in found) return { ok: false, reason: 'malformed', message: 'the signature is not an armored SSH signature (-----BEGIN SSH SIGNATURE----- …)' };
  let parsed: { key: PublicKey; namespace: string; reserved: Uint8Array; hash: string; signature: Uint8Array };
  try {
    const reader = new SshReader(found.bytes);
    if (!Buffer.from(reader.bytesOf(MAGIC.length)).equals(MAGIC)) throw new WireFormatError('no SSHSIG preamble');
    const version = reader.uint32();
    if (version !== VERSION) throw new WireFormatError(`version ${version} is not 1`);
    const keyBlob = reader.string();
    const namespace = reader.text();
    const reserved = reader.string();
    const hash = reader.text();
    const signatureBlob = new SshReader(reader.string());
    reader.end();
    if (!HASHES.has(hash)) throw new WireFormatError(`hash algorithm ${quoteUntrusted(hash)} is not sha256 or sha512`);
    let key: PublicKey;
    try {
      key = publicKeyFromBlob(keyBlob);
    } catch (err) {
      return { ok: false, reason: 'unknown-key', message: `the signature was not made by a pinned key (${(err as Error).message})` };
    }
    if (signatureBlob.text() !== 'ssh-ed25519') throw new WireFormatError('the signature is not an Ed25519 signature');
    const signature = signatureBlob.string();
    signatureBlob.end();
    if (signature.length !== 64) throw new WireFormatError('an Ed25519 signature has 64 bytes');
    parsed = { key, namespace, reserved, hash, signature };
  } catch (err) {
    if (!(err instanceof WireFormatError)) throw err;
    return { ok: false, reason: 'malformed', message: `the SSH signature is malformed (${err.message})` };
  }
  if (parsed.namespace !== input.namespace) {
    return { ok: false, reason: 'wrong-purpose', message: `the signature was made for namespace ${quoteUntrusted(parsed.namespace)}, not "${input.namespace}"` };
  }
  const pinned = input.pinnedKeys.find((k) => k.keyId === parsed.key.keyId);
  if (!pinned) return { ok: false, reason: 'unknown-key', message: `the signature was made by key ${parsed.key.keyId}, which is not pinned` };
  const data = signedData(parsed.namespace, parsed.reserved, parsed.hash, toBytes(input.message));
  if (!verify(null, data, pinned.key, parsed.signature)) {
    return { ok: false, reason: 'bad-signature', message: `the signature by ${pinned.keyId} does not match the signed bytes (they or the signature were changed)` };
  }
  return { ok: true, key: pinned };
}
