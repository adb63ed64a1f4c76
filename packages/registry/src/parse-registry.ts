import { UserError } from '@runway/errors';
import { isValidName } from '@runway/manifest';
import type { RegistrySection } from './edit-registry';
import type { Registry, RegistryEntry, RegistryProblem } from './types';
import { validateEntry, validateHeader } from './validate-entry';
import { isSemver } from './versions';

/** JSON pointer for a problem location, e.g. `/runtimes/python-3.11/1.3.1/checksum`. */
function pointer(...parts: string[]): string {
  return `/${parts.filter((p) => p !== '').map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
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

/** Checks every entry of one section (`runtimes` or `payloads`); bad ones are reported and left out. */
function parseSection(value: Record<string, unknown>, section: RegistrySection, problems: RegistryProblem[]): Registry['runtimes'] {
  const out: Registry['runtimes'] = {};
  for (const [name, versionsValue] of Object.entries(value)) {
    if (!isValidName(name)) {
      problems.push({ runtime: name, path: pointer(section, name), message: `name "${name}" is not valid (lowercase letters, digits, "." and "-")` });
      continue;
    }
    if (!isObject(versionsValue)) {
      problems.push({ runtime: name, path: pointer(section, name), message: 'must be an object mapping versions to entries' });
      continue;
    }
    const versions: Array<[string, unknown, string[]]> = isFlatEntry(versionsValue)
      ? [[String(versionsValue.version ?? ''), versionsValue, [section, name]]]
      : Object.entries(versionsValue).map(([v, e]) => [v, e, [section, name, v]]);
    const kept: Record<string, RegistryEntry> = {};
    for (const [version, entry, at] of versions) {
      const issues = validateEntry(entry);
      if (!isSemver(version)) issues.unshift({ path: '', message: `version key "${version}" is not a semantic version (X.Y.Z)` });
      else if (isObject(entry) && entry.version !== version && !issues.some((i) => i.path === 'version')) {
        issues.push({ path: 'version', message: `is "${String(entry.version)}" but the entry is listed under "${version}"` });
      }
      for (const issue of issues) {
        problems.push({ runtime: name, version, path: pointer(...at, ...issue.path.split('.')), message: `${name}@${version}: ${issue.path ? `${issue.path} ` : ''}${issue.message}` });
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
