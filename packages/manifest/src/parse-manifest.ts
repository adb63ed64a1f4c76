import type { Document, LineCounter } from 'yaml';
import { parseDebianSection, parseSmoke, positionAt, type FieldContext } from './parse-environment';
import { describeVersionProblem, isValidName, isValidVersion, KNOWN_PLATFORMS } from './rules';
import type { Issue, ManifestResult, ProjectKind } from './types';

export interface ParseManifestOptions {
  /** Path shown in issues, relative to the workspace root. */
  file: string;
  kind: ProjectKind;
  /** The project's folder name; a different manifest `name` is a warning. */
  folderName: string;
  /**
   * The runtime folders of the workspace (`runtimes/<name>/` holding a manifest). When given, a
   * payload's `runtime` must name one of them; without it (reading one project alone) it is not checked.
   */
  runtimes?: readonly string[];
}

type Position = { line?: number; column?: number };

/**
 * `yaml` (several MB resident) loads on the first parse, not with the package: the runtime
 * installer imports this package only for `isValidName`/`isValidVersion`.
 */
function loadYaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

/**
 * Parses and validates the text of a `manifest.yaml`. Pure: returns every problem it finds (never
 * throws), each with file, rule, line and a fix; `manifest` is set only when there are no errors.
 */
export function parseManifest(text: string, options: ParseManifestOptions): ManifestResult {
  const { file, kind, folderName, runtimes } = options;
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const { isMap, isScalar, LineCounter, parseDocument } = loadYaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });

  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      errors.push({
        severity: 'error', file, rule: 'yaml-syntax', line: pos.line, column: pos.col,
        message: `malformed YAML: ${e.message.split('\n')[0]}`,
        fix: 'fix the YAML syntax at the given line and column (check indentation, quotes and colons)',
      });
    }
    return { errors, warnings };
  }
  if (!isMap(doc.contents)) {
    errors.push({ severity: 'error', file, rule: 'manifest-shape', line: 1, column: 1,
      message: 'manifest must be a YAML mapping of fields (name, version, …)',
      fix: 'write the manifest as "key: value" lines, e.g. "name: python-3.11"' });
    return { errors, warnings };
  }

  const posOf = (key: string, value = true): Position => positionOf(doc, lineCounter, key, value);
  const add = (rule: string, key: string, message: string, fix: string, severity: Issue['severity'] = 'error') =>
    (severity === 'error' ? errors : warnings).push({ severity, file, rule, ...posOf(key), message, fix });
  const raw = doc.toJS() as Record<string, unknown>;
  // `version: 1.0` parses as the number 1: keep what was written so the error can name it.
  for (const key of ['name', 'version', 'extends', 'runtime', 'description']) {
    const node = doc.get(key, true);
    if (isScalar(node) && typeof node.value === 'number' && typeof node.source === 'string') raw[key] = node.source;
  }

  const known = new Set(['name', 'version', 'description', 'platforms', 'packages', 'extends', 'runtime', 'aliases', 'dockerfile', 'smoke', 'debian']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) add('unknown-field', key, `unknown field "${key}"`, `remove it, or use one of: ${[...known].join(', ')}`, 'warning');
  }

  const name = scalarString(raw.name);
  if (name === undefined) {
    add('name-required', 'name', '"name" is missing or not a string', `add "name: ${folderName}"`);
  } else if (!isValidName(name)) {
    add('name-format', 'name', `name "${name}" may contain only lowercase a-z, digits, "." and "-", starting with a letter or digit`,
      `rename it, e.g. "${suggestName(name)}"`);
  } else if (name !== folderName) {
    add('name-matches-folder', 'name', `name "${name}" differs from its folder "${folderName}"`,
      `rename the folder to "${name}" or set "name: ${folderName}"`, 'warning');
  }

  const version = scalarString(raw.version);
  if (version === undefined) {
    add('version-required', 'version', '"version" is missing', 'add "version: 1.0.0"');
  } else if (!isValidVersion(version)) {
    add('version-format', 'version', `version "${version}" ${describeVersionProblem(version)}: it must be MAJOR.MINOR.PATCH (e.g. 1.0.0)`,
      'write three dot-separated numbers without "v", suffix or leading zeros, e.g. "version: 1.0.0"');
  }

  const description = raw.description === undefined ? '' : scalarString(raw.description);
  if (description === undefined) add('description-format', 'description', '"description" must be a string', 'quote the description');

  const platforms = stringList(raw.platforms);
  if (platforms === undefined) {
    add('platforms-format', 'platforms', '"platforms" must be a list of platform names', 'write e.g. "platforms: [ubuntu-amd64, ubuntu-arm64]"');
  } else {
    if (kind === 'runtime' && platforms.length === 0) {
      add('platforms-required', 'platforms', 'a runtime must list at least one platform', `add "platforms: [ubuntu-amd64]" (known: ${KNOWN_PLATFORMS.join(', ')})`);
    }
    const seen = new Set<string>();
    for (const p of platforms) {
      if (seen.has(p)) add('platform-duplicate', 'platforms', `platform "${p}" is listed twice`, 'remove the duplicate entry');
      seen.add(p);
      if (!(KNOWN_PLATFORMS as readonly string[]).includes(p)) {
        add('platform-unknown', 'platforms', `unknown platform "${p}"`, `use one of: ${KNOWN_PLATFORMS.join(', ')}`);
      }
    }
  }

  const packages = stringList(raw.packages);
  if (packages === undefined) add('packages-format', 'packages', '"packages" must be a list of strings', 'write e.g. "packages: [numpy==1.26.4]"');

  const aliases = stringList(raw.aliases);
  if (aliases === undefined) {
    add('aliases-format', 'aliases', '"aliases" must be a list of image names', 'write e.g. "aliases: [runenv-python-3.11]"');
  } else {
    if (kind === 'runtime' && aliases.length > 0) add('aliases-payload-only', 'aliases', '"aliases" applies to payloads only', 'remove "aliases" from this runtime manifest', 'warning');
    for (const a of aliases) {
      if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(a)) add('alias-format', 'aliases', `alias "${a}" is not a valid image name`, 'use lowercase letters, digits, ".", "_" and "-"');
    }
  }

  let extendsName: string | undefined;
  if (raw.extends !== undefined) {
    extendsName = scalarString(raw.extends);
    if (extendsName === undefined || !isValidName(extendsName)) {
      add('extends-format', 'extends', '"extends" must name another runtime', 'write e.g. "extends: python-3.11"');
    } else if (extendsName === name) {
      add('extends-self', 'extends', 'a runtime cannot extend itself', 'remove "extends" or name another runtime');
    }
  }

  const runtime = parseRuntimeReference(raw.runtime, kind, runtimes, add);

  const dockerfile = raw.dockerfile === undefined ? 'Dockerfile' : scalarString(raw.dockerfile);
  if (dockerfile === undefined || dockerfile.startsWith('/') || dockerfile.split('/').includes('..')) {
    add('dockerfile-path', 'dockerfile', '"dockerfile" must be a path inside the payload folder', 'write e.g. "dockerfile: Dockerfile"');
  }

  const fields: FieldContext = {
    doc, lineCounter, kind, platforms,
    report: ({ rule, path, message, fix, severity = 'error', at = 'value' }) =>
      (severity === 'error' ? errors : warnings).push({ severity, file, rule, ...positionAt(doc, lineCounter, path, at), message, fix }),
  };
  const smoke = parseSmoke(fields);
  const debian = parseDebianSection(fields);

  if (errors.length > 0) return { errors, warnings };
  return {
    manifest: {
      kind, name: name!, version: version!, description: description!, platforms: platforms!, packages: packages!,
      ...(extendsName ? { extends: extendsName } : {}), ...(runtime ? { runtime } : {}), aliases: aliases!, dockerfile: dockerfile!,
      ...(smoke ? { smoke } : {}), ...(debian ? { debian } : {}),
    },
    errors, warnings,
  };
}

/**
 * A payload's `runtime:`: a runtime name, of a runtime the workspace has (when the caller listed
 * them). A runtime manifest builds on another one with `extends`, not `runtime`.
 */
function parseRuntimeReference(
  value: unknown, kind: ProjectKind, runtimes: readonly string[] | undefined,
  add: (rule: string, key: string, message: string, fix: string) => void,
): string | undefined {
  if (value === undefined) return undefined;
  const name = scalarString(value);
  if (name === undefined || !isValidName(name)) {
    add('runtime-format', 'runtime', '"runtime" must name a runtime, e.g. python-3.11', 'write e.g. "runtime: python-3.11" (a folder under runtimes/)');
    return undefined;
  }
  if (kind === 'runtime') {
    add('runtime-payload-only', 'runtime', '"runtime" applies to payloads only', `a runtime builds on another with "extends: ${name}"; remove "runtime"`);
    return undefined;
  }
  if (runtimes && !runtimes.includes(name)) {
    add('runtime-unknown', 'runtime', `unknown runtime "${name}": there is no runtimes/${name}/manifest.yaml`,
      runtimes.length ? `use one of: ${[...runtimes].sort().join(', ')}` : `create runtimes/${name}/ first`);
    return undefined;
  }
  return name;
}

function scalarString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return undefined;
  return value.map((v: string) => v.trim());
}

function suggestName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'my-runtime';
}

function positionOf(doc: Document, lc: LineCounter, key: string, value: boolean): Position {
  const { isMap, isScalar } = loadYaml();
  if (!isMap(doc.contents)) return {};
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key);
  const node = (value && pair?.value) || pair?.key;
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return { line: 1, column: 1 };
  const pos = lc.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}
