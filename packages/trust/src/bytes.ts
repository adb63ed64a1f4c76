const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_SAFE = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}(?:==)?|[A-Za-z0-9_-]{3}=?)?$/;

/**
 * Decodes base64 strictly: Node's decoder silently skips characters outside the alphabet, which
 * would let two different texts carry one value. `urlSafe` also accepts the URL-safe alphabet
 * (with or without padding), as DSSE requires of readers. Returns undefined when `text` is not
 * base64.
 */
export function decodeBase64(text: string, options: { urlSafe?: boolean } = {}): Uint8Array | undefined {
  if (STANDARD.test(text)) return Buffer.from(text, 'base64');
  if (options.urlSafe && URL_SAFE.test(text)) return Buffer.from(text, 'base64url');
  return undefined;
}

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Bytes of `value`; text is UTF-8. */
export function toBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
