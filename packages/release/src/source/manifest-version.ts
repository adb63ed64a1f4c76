import { isScalar, parseDocument, Scalar } from 'yaml';
import { UserError } from '@runway/errors';

/** Where the `version:` value sits in a manifest's text, as the YAML parser saw it. */
interface VersionNode {
  value: string;
  /** Offsets of the value itself, quotes included, excluding any trailing comment. */
  start: number;
  end: number;
  type: Scalar['type'];
}

function findVersionNode(text: string, file: string): VersionNode {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    const [first] = doc.errors;
    const where = first.linePos ? `:${first.linePos[0].line}:${first.linePos[0].col}` : '';
    throw new UserError(`${file}${where}: malformed YAML: ${first.message.split('\n')[0]}`, {
      hint: `fix the YAML at that position (YAML indents with spaces, never tabs), then run this again`,
    });
  }
  const node = doc.get('version', true);
  if (!isScalar(node) || !node.range) {
    throw new UserError(`${file}: no top-level "version:" scalar to update`, { hint: 'add a line such as "version: 1.0.0" to the manifest' });
  }
  return { value: String(node.value), start: node.range[0], end: node.range[1], type: node.type };
}

/** Pure: the `version` written in a manifest's YAML text. */
export function readManifestVersion(text: string, file = 'manifest.yaml'): string {
  return findVersionNode(text, file).value;
}

/**
 * Pure: the manifest text with only the `version:` value replaced. Every other byte (comments,
 * key order, quoting of other fields, blank lines) stays as written, and the value keeps its own
 * quoting style, so a version bump is a one-line diff.
 */
export function setManifestVersion(text: string, version: string, file = 'manifest.yaml'): string {
  const node = findVersionNode(text, file);
  const quote = node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE ? "'" : '';
  return `${text.slice(0, node.start)}${quote}${version}${quote}${text.slice(node.end)}`;
}
