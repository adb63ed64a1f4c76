import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { UserError } from '@runway/errors';
import { decodeBase64 } from './bytes';
import { SshReader, sshString, WireFormatError } from './ssh-wire';

/** The one key type Runway signs and verifies with. */
export const KEY_TYPE = 'ssh-ed25519';

/** An Ed25519 public key as OpenSSH writes it (`ssh-ed25519 AAAA… comment`). */
export interface PublicKey {
  /**
   * `SHA256:<unpadded base64>`: the OpenSSH fingerprint that `ssh-keygen -lf <file>.pub` prints.
   * Used as the DSSE `keyid` and in every message that names a key.
   */
  readonly keyId: string;
  /** The SSH wire blob (`string "ssh-ed25519"`, `string <32 bytes>`), as embedded in SSHSIG signatures. */
  readonly blob: Uint8Array;
  /** The key for `crypto.verify`. */
  readonly key: KeyObject;
  /** The comment of the `.pub` line (may be empty). Untrusted text: escape before printing. */
  readonly comment: string;
}

/** Bounds for a file of pinned keys: rotation needs two; a few dozen is already absurd. */
const MAX_KEYS_TEXT = 64 * 1024;
const MAX_KEYS = 32;
const SAFE_TOKEN = /^[A-Za-z0-9@._+-]{1,64}$/;

/** The SSH wire blob of a raw 32-byte Ed25519 public key. */
function ed25519Blob(raw: Uint8Array): Uint8Array {
  return Buffer.concat([sshString(KEY_TYPE), sshString(raw)]);
}

/** The OpenSSH fingerprint of a key blob: `SHA256:` + unpadded base64 of its SHA-256. */
function fingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A `PublicKey` from the raw 32 bytes of an Ed25519 public key. */
export function publicKeyFromRaw(raw: Uint8Array, comment = ''): PublicKey {
  if (raw.length !== 32) throw new WireFormatError('an Ed25519 public key has 32 bytes');
  const blob = ed25519Blob(raw);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  return { keyId: fingerprint(blob), blob, key, comment };
}

/**
 * Reads a key blob (`string type`, `string key`). Throws `WireFormatError` when it is not one
 * Ed25519 key; the message names the key type only when it is a plain token.
 */
export function publicKeyFromBlob(blob: Uint8Array, comment = ''): PublicKey {
  const reader = new SshReader(blob);
  const type = reader.text();
  if (type !== KEY_TYPE) throw new WireFormatError(`it is ${SAFE_TOKEN.test(type) ? `a ${type}` : 'another kind of'} key; Runway uses Ed25519 (ssh-ed25519) keys`);
  const raw = reader.string();
  reader.end();
  return publicKeyFromRaw(raw, comment);
}

/** The `.pub` line OpenSSH writes: `ssh-ed25519 <base64 blob> <comment>` with a final newline. */
export function formatPublicKey(key: PublicKey): string {
  const comment = key.comment.replace(/[\r\n]+/g, ' ').trim();
  return `${KEY_TYPE} ${Buffer.from(key.blob).toString('base64')}${comment ? ` ${comment}` : ''}\n`;
}

/**
 * One line of an OpenSSH `allowed_signers` file (`ssh-keygen -Y verify -f`): `principal` trusts
 * `key`, restricted to the `namespaces` given so the key cannot vouch for anything else.
 */
export function allowedSignersLine(principal: string, key: PublicKey, namespaces: readonly string[] = []): string {
  const options = namespaces.length > 0 ? ` namespaces="${namespaces.join(',')}"` : '';
  return `${principal}${options} ${KEY_TYPE} ${Buffer.from(key.blob).toString('base64')}\n`;
}

/**
 * Parses OpenSSH public key lines (`ssh-ed25519 AAAA… [comment]`), one key per line; blank lines
 * and `#` comments are skipped, a key listed twice counts once. `source` names the text in errors
 * (a path, `--key`, `keys:` of a registry). Anything else is a `UserError` that says which line
 * and why without repeating the line: a file that should hold a public key sometimes holds the
 * private one.
 */
export function parsePublicKeys(text: string, source: string): PublicKey[] {
  if (text.length > MAX_KEYS_TEXT) throw new UserError(`${source}: more than ${MAX_KEYS_TEXT} bytes; a public key file holds a few "ssh-ed25519 AAAA…" lines`);
  if (text.includes('PRIVATE KEY-----')) {
    throw new UserError(`${source} holds a private key, not a public key`, { hint: 'pin the public half: the .pub file written next to the key by `runway keys generate`' });
  }
  const keys = new Map<string, PublicKey>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = `${source}:${index + 1}`;
    const [type, body, ...comment] = line.split(/\s+/);
    if (type !== KEY_TYPE) {
      const allowedSigners = line.split(/\s+/).slice(1).includes(KEY_TYPE);
      throw new UserError(`${at}: ${allowedSigners ? 'looks like an allowed_signers line' : `is not an ${KEY_TYPE} public key${SAFE_TOKEN.test(type) && type.includes('-') ? ` (key type ${type})` : ''}`}`, {
        hint: 'expected the OpenSSH public key line "ssh-ed25519 AAAA… comment" of an Ed25519 key (the .pub file of `runway keys generate` or `ssh-keygen -t ed25519`)',
      });
    }
    const blob = body === undefined ? undefined : decodeBase64(body);
    let key: PublicKey;
    try {
      if (!blob) throw new WireFormatError('the key is not base64');
      key = publicKeyFromBlob(blob, comment.join(' '));
    } catch (err) {
      if (!(err instanceof WireFormatError)) throw err;
      throw new UserError(`${at}: malformed ${KEY_TYPE} public key (${err.message})`, { hint: 'copy the whole line of the .pub file again' });
    }
    keys.set(key.keyId, key);
    if (keys.size > MAX_KEYS) throw new UserError(`${source}: more than ${MAX_KEYS} keys`, { hint: 'pin the current key and, while rotating, the next one' });
  }
  if (keys.size === 0) throw new UserError(`${source} holds no public key`, { hint: 'expected a line "ssh-ed25519 AAAA… comment"' });
  return [...keys.values()];
}
