import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { isValidName } from '@runway/manifest';
import type { RegistrySection } from './edit-registry';
import { showKey } from './show-key';
import type { Registry, RegistryEntry, RegistryProblem } from './types';
import { validateEntry, validateHeader, type SchemaIssue } from './validate-entry';
import { isSemver, MAX_VERSION_LENGTH } from './versions';

/**
 * How deep arrays and objects may nest. A registry needs six levels (document, section, name,
 * version, entry, `deprecated`); the bound leaves room for extra fields while keeping every
 * recursive walk of the value (`JSON.stringify`, schema validation) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The longest string an entry may hold (a URL, a description). Schema validation runs regular
 * expressions whose cost grows faster than the input (a 1 MB `download_url` takes over a second
 * to check), so longer strings are refused before validation.
 */
export const MAX_FIELD_LENGTH = 8192;

/** The dotted path of the first string in `value` longer than `max`, or undefined. Depth is bounded by `MAX_JSON_DEPTH`. */
function longString(value: unknown, max: number, path = ''): string | undefined {
  if (typeof value === 'string') return value.length > max ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = longString(inner, max, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Checks one entry: no string over `MAX_FIELD_LENGTH` (then nothing else is run), then the schema. */
function checkEntry(entry: unknown): SchemaIssue[] {
  const long = longString(entry, MAX_FIELD_LENGTH);
  return long === undefined ? validateEntry(entry) : [{ path: long, message: `is longer than ${MAX_FIELD_LENGTH} characters` }];
}

/**
 * JSON pointer for a problem location, e.g. `/runtimes/python-3.11/1.3.1/checksum`; keys from the
 * file are shown escaped and cut short, since the pointer ends up in messages.
 */
function pointer(...parts: string[]): string {
  return `/${parts.filter((p) => p !== '').map((p) => showKey(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

/**
 * Where `text` first nests deeper than `max` arrays and objects (brackets inside strings do not
 * count), or -1. One pass without recursion, run before `JSON.parse`, so a hostile file never
 * becomes a value too deep to walk.
 */
function depthExceededAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Jump over the string (most of a registry) to its closing quote: one not escaped by an odd
      // number of backslashes. An unterminated string is left for JSON.parse to report.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return -1;
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

function parseJson(text: string, source: string): unknown {
  const tooDeep = depthExceededAt(text, MAX_JSON_DEPTH);
  if (tooDeep >= 0) {
    const { line, column } = lineAndColumn(text, tooDeep);
    throw new UserError(`${source}:${line}:${column}: registry is nested more than ${MAX_JSON_DEPTH} levels deep`, {
      hint: 'a registry maps runtimes → name → version → entry; this file is not one (or is hostile)',
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 quotes the text around the error, which comes from the file: escaped.
    const message = escapeText((err as Error).message, 300);
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? text.length);
    const { line, column } = lineAndColumn(text, position);
    throw new UserError(`${source}:${line}:${column}: registry is not valid JSON (${message.replace(/ in JSON at position \d+/, '')})`, {
      hint: 'fix the JSON syntax at that line (a trailing comma or a missing quote is the usual cause)',
      cause: err,
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The legacy flat form stores one entry directly under the runtime name instead of a version map. */
function isFlatEntry(value: Record<string, unknown>): boolean {
  return typeof value.download_url === 'string' || typeof value.checksum === 'string';
}

/**
 * Checks every entry of one section (`runtimes` or `payloads`); bad ones are reported and left
 * out. The maps it returns have no prototype: a key such as `constructor` is only ever data.
 */
function parseSection(value: Record<string, unknown>, section: RegistrySection, problems: RegistryProblem[]): Registry['runtimes'] {
  const out: Registry['runtimes'] = Object.create(null);
  for (const [name, versionsValue] of Object.entries(value)) {
    if (!isValidName(name)) {
      problems.push({ runtime: name, path: pointer(section, name), message: `name "${showKey(name)}" is not valid (lowercase letters, digits, "." and "-", at most 128 characters)` });
      continue;
    }
    if (!isObject(versionsValue)) {
      problems.push({ runtime: name, path: pointer(section, name), message: 'must be an object mapping versions to entries' });
      continue;
    }
    const versions: Array<[string, unknown, string[]]> = isFlatEntry(versionsValue)
      ? [[String(versionsValue.version ?? ''), versionsValue, [section, name]]]
      : Object.entries(versionsValue).map(([v, e]) => [v, e, [section, name, v]]);
    const kept: Record<string, RegistryEntry> = Object.create(null);
    for (const [version, entry, at] of versions) {
      // Under a key that is no version the entry cannot be used whatever it holds: one problem, not ten.
      const issues = isSemver(version)
        ? checkEntry(entry)
        : [{ path: '', message: `version key "${showKey(version)}" is not a semantic version (X.Y.Z, at most ${MAX_VERSION_LENGTH} characters)` }];
      if (isSemver(version) && isObject(entry) && entry.version !== version && !issues.some((i) => i.path === 'version')) {
        issues.push({ path: 'version', message: `is "${showKey(String(entry.version))}" but the entry is listed under "${version}"` });
      }
      for (const issue of issues) {
        problems.push({ runtime: name, version, path: pointer(...at, ...issue.path.split('.')), message: `${name}@${showKey(version)}: ${issue.path ? `${showKey(issue.path)} ` : ''}${issue.message}` });
      }
      if (issues.length === 0) kept[version] = entry as RegistryEntry;
    }
    out[name] = kept;
  }
  return out;
}

/**
 * Parses `registry.json` text. Accepts the nested form and the legacy flat form
 * (`runtimes.<name>` = one entry, converted to `runtimes.<name>.<version>`). Each entry is checked
 * against `registry.schema.json` (entries of the optional `payloads` section too); a bad entry is left out of the result and reported in `problems`
 * while every other entry stays usable. Unknown extra fields are kept.
 *
 * A caller that writes the registry back must refuse when `problems` is not empty, or the left-out
 * entries would be lost.
 *
 * @throws UserError only when the text is not a registry at all: invalid JSON (with line and
 *   column), not an object, an unknown format version, or `runtimes` missing or not an object.
 */
export function parseRegistry(text: string, source: string): { registry: Registry; problems: RegistryProblem[] } {
  const raw = parseJson(text, source);
  if (!isObject(raw)) {
    throw new UserError(`${source}: a registry must be a JSON object with "version", "updated_at" and "runtimes"`, {
      hint: 'start from {"version": "1", "updated_at": "2025-01-01T00:00:00Z", "runtimes": {}}',
    });
  }
  const problems: RegistryProblem[] = [];
  for (const issue of validateHeader(raw)) {
    if (issue.path === 'updated_at') {
      problems.push({ path: pointer('updated_at'), message: `updated_at ${issue.message}` });
      continue;
    }
    const hint = issue.path === 'version'
      ? 'this Runway reads registry format "1" only; upgrade Runway to read newer formats'
      : 'a registry has "version": "1", "updated_at" (RFC 3339) and a "runtimes" object';
    throw new UserError(`${source}: not a runway registry: ${issue.path || 'top level'} ${issue.message}`, { hint });
  }

  const runtimes = parseSection(raw.runtimes as Record<string, unknown>, 'runtimes', problems);
  if (raw.payloads !== undefined && !isObject(raw.payloads)) {
    throw new UserError(`${source}: not a runway registry: payloads must be an object`, { hint: '"payloads" maps payload names to versions to entries, like "runtimes"' });
  }
  const payloads = raw.payloads === undefined ? undefined : parseSection(raw.payloads, 'payloads', problems);
  return { registry: { ...raw, runtimes, ...(payloads && { payloads }) } as Registry, problems };
}
