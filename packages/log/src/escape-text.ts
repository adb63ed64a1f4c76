// Text from registries, archives and servers is data: printed raw, an ESC sequence can clear the
// screen or recolour later lines, a CR or LF can forge a line ("error: …" that Runway never
// wrote), and bidi controls can reorder what the reader sees. Everything from outside goes
// through these before it reaches a terminal.

/**
 * The invisible format characters that reorder or hide text: bidi marks, embeddings, overrides
 * and isolates, zero-width spaces, line/paragraph separators, the BOM. The zero-width joiner is
 * left alone: emoji sequences need it and it cannot move text.
 */
const FORMAT = '\\u061c\\u200b\\u200c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff';
/** Values: C0 controls, DEL, C1 controls, format characters, and the backslash itself. */
const IN_VALUE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${FORMAT}\\\\]`, 'g');
/** Messages: the same without the line feed and the backslash. */
const IN_MESSAGE = new RegExp(`[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f${FORMAT}]`, 'g');
/** JSON text: what `JSON.stringify` leaves raw (it escapes C0 controls and backslashes itself). */
const IN_JSON = new RegExp(`[\\u007f-\\u009f${FORMAT}]`, 'g');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Makes one value from outside (a name, a description, an entry path, a URL) safe to print: every
 * control or invisible format character becomes a visible escape (`\n`, `\x1b`, `\u202e`), and a
 * backslash becomes `\\` so an escape in the output always means an escaped character. With
 * `maxLength`, longer text is cut to that many characters and marked with `…` (for values quoted
 * in messages, where a 10 MB key must not become a 10 MB line). Pure.
 */
export function escapeText(text: string, maxLength = Infinity): string {
  let value = String(text);
  if (value.length > maxLength) {
    const cut = value.charCodeAt(maxLength - 1) >= 0xd800 && value.charCodeAt(maxLength - 1) <= 0xdbff ? maxLength - 1 : maxLength;
    value = `${value.slice(0, cut)}…`;
  }
  return value.replace(IN_VALUE, visible);
}

/**
 * The backstop for whole messages that Runway composed (they may span lines on purpose): escapes
 * every control and invisible format character except the line feed, and leaves backslashes alone
 * so values already passed through `escapeText` are not escaped twice. Pure.
 */
export function escapeLines(text: string): string {
  return String(text).replace(IN_MESSAGE, visible);
}

/**
 * `JSON.stringify` for output that may reach a terminal: still valid JSON that parses to the same
 * value, but with DEL, C1 controls and invisible format characters written as `\uXXXX` (JSON
 * escapes only C0 controls itself, and a C1 `\u009b` is a CSI to some terminals). Pure.
 */
export function stringifyForTerminal(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
