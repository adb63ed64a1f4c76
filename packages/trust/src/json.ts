import { toBytes } from './bytes';

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text without control characters, 1–`max` characters long: safe to compare, store and print. */
export function isPlainText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && !/[\x00-\x1f\x7f]/.test(value);
}

/**
 * Parses UTF-8 JSON that must be an object and at most `maxBytes` long. Returns the object, or why
 * not in words that never quote the input (it may be anything, a key included).
 */
export function parseJsonObject(input: Uint8Array | string, maxBytes: number): { value: Record<string, unknown> } | { problem: string } {
  const bytes = toBytes(input);
  if (bytes.length > maxBytes) return { problem: `over ${maxBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { problem: 'not JSON' };
  }
  return isObject(value) ? { value } : { problem: 'not a JSON object' };
}
