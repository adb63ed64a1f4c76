import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { InternalError, UserError } from '@runway/errors';
import { armor, dearmor } from './armor';
import { KEY_TYPE, publicKeyFromBlob, publicKeyFromRaw, type PublicKey } from './public-key';
import { SshReader, sshString, sshUint32, WireFormatError } from './ssh-wire';

/** An Ed25519 private key and its public half. The raw key bytes are not kept outside the KeyObject. */
export interface SigningKey {
  readonly publicKey: PublicKey;
  /** For `crypto.sign(null, data, privateKey)`. */
  readonly privateKey: KeyObject;
}

const LABEL = 'OPENSSH PRIVATE KEY';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
/** The unencrypted private section is padded to the "none" cipher's block size. */
const BLOCK = 8;
const MAX_KEY_TEXT = 16 * 1024;

/** The `SigningKey` of an Ed25519 private `KeyObject`; `comment` goes into the public key line. */
export function signingKeyFromKeyObject(privateKey: KeyObject, comment = ''): SigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new InternalError('signingKeyFromKeyObject needs an Ed25519 private key');
  }
  const raw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url');
  return { publicKey: publicKeyFromRaw(raw, comment), privateKey };
}

/**
 * The unencrypted OpenSSH private key file (`openssh-key-v1`, as `ssh-keygen -t ed25519 -N ''`
 * writes it), so `ssh-keygen -Y sign`, `ssh-keygen -y` and git's SSH signing all take the key
 * Runway generated. The check integers only detect a wrong passphrase, which an unencrypted key
 * has none of; they are derived from the public key so one key always gives the same text.
 */
export function formatPrivateKey(key: SigningKey): string {
  const seed = Buffer.from(key.privateKey.export({ format: 'jwk' }).d as string, 'base64url');
  const raw = rawPublicKey(key.publicKey);
  const check = createHash('sha256').update(key.publicKey.blob).digest().subarray(0, 4);
  const section = [check, check, sshString(KEY_TYPE), sshString(raw), sshString(Buffer.concat([seed, raw])), sshString(key.publicKey.comment)];
  const length = section.reduce((n, b) => n + b.length, 0);
  const padding = Buffer.from(Array.from({ length: (BLOCK - (length % BLOCK)) % BLOCK }, (_, i) => i + 1));
  const body = Buffer.concat([
    MAGIC, sshString('none'), sshString('none'), sshString(''), sshUint32(1),
    sshString(key.publicKey.blob), sshString(Buffer.concat([...section, padding])),
  ]);
  return armor(LABEL, body);
}

/** The 32 raw bytes at the end of an Ed25519 key blob. */
function rawPublicKey(key: PublicKey): Buffer {
  return Buffer.from(key.blob.subarray(key.blob.length - 32));
}

/**
 * Parses an unencrypted OpenSSH Ed25519 private key (what `runway keys generate` and
 * `ssh-keygen -t ed25519 -N ''` write). `source` names where it came from (a path, or
 * `RUNWAY_SIGNING_KEY`). Every failure is a `UserError` saying what is wrong and how to fix it,
 * and no message, hint or cause ever contains any part of `text`.
 */
export function parsePrivateKey(text: string, source: string): SigningKey {
  const refuse = (what: string, hint = 'generate a key with `runway keys generate --out <file>` (or `ssh-keygen -t ed25519 -N "" -f <file>`)') =>
    new UserError(`${source} ${what}`, { hint });
  if (text.length > MAX_KEY_TEXT) throw refuse(`is too large (over ${MAX_KEY_TEXT} bytes) to be an Ed25519 private key`);
  const found = dearmor(text, LABEL, { allowOutside: true });
  if ('problem' in found) {
    if (found.problem === 'not-base64') throw refuse('is a damaged OpenSSH private key (its body is not base64)', 'copy the whole key file again, from -----BEGIN to -----END');
    if (text.includes(`-----BEGIN ${LABEL}-----`)) throw refuse(`is an incomplete OpenSSH private key (its -----END ${LABEL}----- line is missing)`, 'copy the whole key file again, from -----BEGIN to -----END');
    if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) throw refuse('is an encrypted PKCS#8 key; Runway reads unencrypted OpenSSH Ed25519 keys');
    if (/-----BEGIN (?:RSA |EC |DSA )?PRIVATE KEY-----/.test(text)) throw refuse('is a PEM (PKCS#1/PKCS#8) private key; Runway reads OpenSSH Ed25519 keys');
    if (/^\s*ssh-[a-z0-9-]+ AAAA/.test(text)) throw refuse('is a public key; signing needs the private key (the file without .pub)');
    if (/^\s*untrusted comment:/.test(text)) throw refuse('is a minisign key; Runway signs with OpenSSH Ed25519 keys');
    throw refuse('is not an OpenSSH private key (no -----BEGIN OPENSSH PRIVATE KEY----- block)');
  }
  try {
    const reader = new SshReader(found.bytes);
    if (!Buffer.from(reader.bytesOf(MAGIC.length)).equals(MAGIC)) throw new WireFormatError('not an openssh-key-v1 key');
    const cipher = reader.text();
    const kdf = reader.text();
    reader.string();
    if (cipher !== 'none' || kdf !== 'none') {
      throw refuse('is protected by a passphrase; releases sign unattended and need an unencrypted key',
        'decrypt a copy for CI with `ssh-keygen -p -N "" -f <copy>` and keep it only in the CI secret');
    }
    if (reader.uint32() !== 1) throw new WireFormatError('it holds more than one key');
    let publicKey: PublicKey;
    try {
      publicKey = publicKeyFromBlob(reader.string());
    } catch (err) {
      if (err instanceof WireFormatError && err.message.startsWith('it is ')) throw refuse(`is the wrong type of key: ${err.message}`);
      throw err;
    }
    const section = new SshReader(reader.string());
    reader.end();
    if (section.uint32() !== section.uint32()) throw new WireFormatError('its check integers differ');
    if (section.text() !== KEY_TYPE) throw new WireFormatError('its private part is not an Ed25519 key');
    const raw = section.string();
    const secret = section.string();
    const comment = Buffer.from(section.string()).toString('utf8');
    const padding = section.bytesOf(section.remaining);
    if (padding.length >= BLOCK || !padding.every((b, i) => b === i + 1)) throw new WireFormatError('its padding is wrong');
    if (secret.length !== 64 || !Buffer.from(secret.subarray(32)).equals(raw) || !rawPublicKey(publicKey).equals(raw)) {
      throw new WireFormatError('its private and public halves do not match');
    }
    const privateKey = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(secret.subarray(0, 32)).toString('base64url'), x: Buffer.from(raw).toString('base64url') },
      format: 'jwk',
    });
    const key = signingKeyFromKeyObject(privateKey, comment);
    // Node derives the public key from the seed and ignores `x`: a seed that does not belong to
    // the stored public key would sign with a key nobody pinned.
    if (key.publicKey.keyId !== publicKey.keyId) throw new WireFormatError('its private and public halves do not match');
    return key;
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (err instanceof WireFormatError) throw refuse(`is a damaged OpenSSH private key (${err.message})`, 'copy the whole key file again, from -----BEGIN to -----END');
    throw err;
  }
}
