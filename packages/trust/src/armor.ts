import { decodeBase64 } from './bytes';

/** OpenSSH wraps the base64 of keys and signatures at 70 columns. */
const LINE_WIDTH = 70;

/** `-----BEGIN <label>-----`, base64 wrapped at 70 columns, `-----END <label>-----`, final newline. */
export function armor(label: string, bytes: Uint8Array): string {
  const body = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < body.length; i += LINE_WIDTH) lines.push(body.slice(i, i + LINE_WIDTH));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Why an armored text could not be read; never contains any of the text itself. */
export type DearmorProblem = 'no-armor' | 'text-outside-armor' | 'not-base64';

/**
 * Reads the bytes between `-----BEGIN <label>-----` and `-----END <label>-----`. Whitespace inside
 * the block is ignored, and so are literal `\n` sequences, which is how CI secret stores sometimes
 * flatten a multi-line value; base64 has no backslash, so nothing real is lost. Anything but
 * whitespace outside the block is refused unless `allowOutside` (a private key may come with a
 * trailing comment in an environment variable; a signature file may not).
 */
export function dearmor(text: string, label: string, options: { allowOutside?: boolean } = {}): { bytes: Uint8Array } | { problem: DearmorProblem } {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const start = text.indexOf(begin);
  const stop = start < 0 ? -1 : text.indexOf(end, start + begin.length);
  if (start < 0 || stop < 0) return { problem: 'no-armor' };
  const outside = (text.slice(0, start) + text.slice(stop + end.length)).replace(/\\n/g, '');
  if (!options.allowOutside && outside.trim() !== '') return { problem: 'text-outside-armor' };
  const body = text.slice(start + begin.length, stop).replace(/\\n/g, '').replace(/\s+/g, '');
  const bytes = decodeBase64(body);
  return bytes && bytes.length > 0 ? { bytes } : { problem: 'not-base64' };
}
