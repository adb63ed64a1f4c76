import { createHash } from 'node:crypto';

/** JKS files start with this magic number (`keytool -storetype JKS`). */
const JKS_MAGIC = 0xfeedfeed;
/** Entry tags of the JKS format. */
const PRIVATE_KEY = 1;
const TRUSTED_CERT = 2;
/** The keystore password Debian's ca-certificates-java uses unless /etc/default/cacerts sets another. */
export const DEFAULT_STORE_PASSWORD = 'changeit';

/**
 * Pure: a JKS keystore with every entry's creation time set to `timeMs` and its integrity digest
 * recomputed, so the same certificates give the same bytes.
 *
 * Why: ca-certificates-java's maintainer script builds `/etc/ssl/certs/java/cacerts` by running
 * Java, which stamps each entry with the current time (it ignores `SOURCE_DATE_EPOCH`); that file
 * was the only difference between two builds of the openjdk-17 environment. Nothing else is
 * touched: entry order, aliases and certificates are kept byte for byte.
 *
 * The digest is JKS's own: SHA-1 over the password as UTF-16BE, the bytes of "Mighty Aphrodite",
 * then the keystore. The existing digest must verify with `password` first; a keystore protected
 * by another password, or one that is not JKS, is refused (`Error`) rather than rewritten.
 */
export function normalizeJavaKeystore(bytes: Buffer, timeMs: number, password = DEFAULT_STORE_PASSWORD): Buffer {
  if (bytes.length < 12 + 20 || bytes.readUInt32BE(0) !== JKS_MAGIC) throw new Error('not a JKS keystore');
  const body = bytes.subarray(0, bytes.length - 20);
  if (!keystoreDigest(body, password).equals(bytes.subarray(bytes.length - 20))) throw new Error('the keystore digest does not match the password');
  const version = bytes.readUInt32BE(4);
  if (version !== 1 && version !== 2) throw new Error(`unknown JKS version ${version}`);
  const out = Buffer.from(body);
  let offset = 12;
  const need = (n: number) => {
    if (offset + n > out.length) throw new Error('truncated JKS keystore');
  };
  const skip = (n: number) => {
    need(n);
    offset += n;
  };
  const u16 = () => {
    need(2);
    const v = out.readUInt16BE(offset);
    offset += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = out.readUInt32BE(offset);
    offset += 4;
    return v;
  };
  const cert = () => {
    if (version === 2) skip(u16()); // certificate type, "X.509"
    skip(u32());
  };
  const count = out.readUInt32BE(8);
  for (let i = 0; i < count; i++) {
    const tag = u32();
    skip(u16()); // alias
    need(8);
    out.writeBigUInt64BE(BigInt(timeMs), offset);
    offset += 8;
    if (tag === TRUSTED_CERT) {
      cert();
    } else if (tag === PRIVATE_KEY) {
      skip(u32()); // protected key
      const chain = u32();
      for (let c = 0; c < chain; c++) cert();
    } else {
      throw new Error(`unknown JKS entry tag ${tag}`);
    }
  }
  if (offset !== out.length) throw new Error('trailing bytes after the last JKS entry');
  return Buffer.concat([out, keystoreDigest(out, password)]);
}

/** Pure: JKS's integrity digest of `body` (the keystore without its last 20 bytes). */
export function keystoreDigest(body: Buffer, password: string): Buffer {
  const hash = createHash('sha1');
  const pw = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) pw.writeUInt16BE(password.charCodeAt(i), i * 2);
  hash.update(pw);
  hash.update(Buffer.from('Mighty Aphrodite', 'utf8'));
  hash.update(body);
  return hash.digest();
}
