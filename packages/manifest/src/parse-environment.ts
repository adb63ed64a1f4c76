import type { Document, LineCounter, Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { DEBIAN_PACKAGE_PATTERN, ENV_NAME_PATTERN, isCleanAbsolutePath, KNOWN_DEBIAN_SUITES } from './rules';
import type { DebianEnvironmentSpec, DebianMount, Issue, ProjectKind } from './types';

/** Where a problem is: a path of keys and indexes from the document root, e.g. `['debian', 'packages', 2]`. */
export type FieldPath = ReadonlyArray<string | number>;

/** What the field parsers need from `parseManifest`: the document and a way to report issues. */
export interface FieldContext {
  doc: Document;
  lineCounter: LineCounter;
  kind: ProjectKind;
  /** The manifest's platforms, when they parsed. */
  platforms: readonly string[] | undefined;
  /** Records an issue at `path` (the value, or its key when `at` is `key`). */
  report(issue: { rule: string; path: FieldPath; message: string; fix: string; severity?: Issue['severity']; at?: 'key' | 'value' }): void;
}

type YamlModule = typeof import('yaml');
/** Same lazy load as `parseManifest`: `yaml` is already in memory by the time these run. */
const yaml = (): YamlModule => require('yaml') as YamlModule;

/** Pure: the line and column of the node (or its key) at `path`, or of the nearest parent that exists. */
export function positionAt(doc: Document, lc: LineCounter, path: FieldPath, at: 'key' | 'value' = 'value'): { line?: number; column?: number } {
  const { isMap } = yaml();
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const key = path[depth - 1];
    let node: YamlNode | Pair | null | undefined;
    if (isMap(parent)) {
      const pair = (parent as YAMLMap).items.find((p) => yaml().isScalar(p.key) && (p.key as Scalar).value === key);
      node = pair && (at === 'key' || depth < path.length ? pair.key : pair.value ?? pair.key) as YamlNode | undefined;
    } else {
      node = doc.getIn(path.slice(0, depth), true) as YamlNode | undefined;
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      const pos = lc.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

/**
 * Pure: `smoke:` as an argv array. A string runs through the environment's shell
 * (`/bin/sh -c <text>`, as a job's command line would); a list is the argv itself.
 * Returns `undefined` when absent, `null` when invalid (already reported).
 */
export function parseSmoke(ctx: FieldContext): string[] | undefined | null {
  const { isScalar, isSeq } = yaml();
  const node = ctx.doc.get('smoke', true) as YamlNode | undefined;
  if (node === undefined) return undefined;
  const bad = () => {
    ctx.report({ rule: 'smoke-format', path: ['smoke'], message: '"smoke" must be a command: a non-empty string, or a list of argv strings',
      fix: 'write e.g. smoke: "python3 -c \'import sys; print(sys.version)\'" or smoke: [python3, --version]' });
    return null;
  };
  if (isScalar(node)) {
    if (typeof node.value !== 'string' || node.value.trim() === '') return bad();
    return ['/bin/sh', '-c', node.value.trim()];
  }
  if (isSeq(node)) {
    const items = (node as YAMLSeq).items;
    if (items.length === 0 || !items.every((i) => isScalar(i) && typeof i.value === 'string' && i.value !== '')) return bad();
    return items.map((i) => (i as Scalar<string>).value);
  }
  return bad();
}

/**
 * Pure: the `debian:` section, normalised. Every problem is reported with its own line and column
 * (e.g. the third package name), so one run of `validate` shows them all. Returns `undefined` when
 * the section is absent, `null` when it has errors.
 */
export function parseDebianSection(ctx: FieldContext): DebianEnvironmentSpec | undefined | null {
  const { isMap, isScalar, isSeq } = yaml();
  const section = ctx.doc.get('debian', true) as YamlNode | undefined;
  if (section === undefined) return undefined;
  let ok = true;
  const error = (rule: string, path: FieldPath, message: string, fix: string, at: 'key' | 'value' = 'value') => {
    ok = false;
    ctx.report({ rule, path, message, fix, at });
  };
  if (!isMap(section)) {
    error('debian-format', ['debian'], '"debian" must be a mapping with suite, packages and optionally environment and mounts',
      'write e.g.\n      debian:\n        suite: bookworm\n        packages: [python3]');
    return null;
  }
  if (ctx.kind === 'payload') {
    ctx.report({ rule: 'debian-runtime-only', path: ['debian'], at: 'key', severity: 'warning',
      message: '"debian" applies to runtimes only', fix: 'remove "debian" from this payload manifest; a payload names its runtime in its Dockerfile' });
  }
  const known = new Set(['suite', 'packages', 'environment', 'mounts']);
  for (const pair of (section as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!known.has(key)) {
      ctx.report({ rule: 'unknown-field', path: ['debian', key], at: 'key', severity: 'warning',
        message: `unknown field "debian.${key}"`, fix: `remove it, or use one of: ${[...known].join(', ')}` });
    }
  }

  const suiteNode = ctx.doc.getIn(['debian', 'suite'], true) as YamlNode | undefined;
  const suite = isScalar(suiteNode) && typeof suiteNode.value === 'string' ? suiteNode.value.trim() : undefined;
  if (suite === undefined) {
    error('debian-suite', suiteNode ? ['debian', 'suite'] : ['debian'], '"debian.suite" is missing or not a string', 'add "suite: bookworm" under "debian:"', suiteNode ? 'value' : 'key');
  } else if (!(KNOWN_DEBIAN_SUITES as readonly string[]).includes(suite)) {
    error('debian-suite', ['debian', 'suite'], `unknown Debian suite "${suite}"`, `use a release codename: ${KNOWN_DEBIAN_SUITES.join(', ')}`);
  }

  const packages: string[] = [];
  const packagesNode = ctx.doc.getIn(['debian', 'packages'], true) as YamlNode | undefined;
  if (!isSeq(packagesNode) || (packagesNode as YAMLSeq).items.length === 0) {
    error('debian-packages', packagesNode ? ['debian', 'packages'] : ['debian'], '"debian.packages" must be a non-empty list of Debian package names',
      'write e.g. "packages: [python3.11]" under "debian:"', packagesNode ? 'value' : 'key');
  } else {
    const seen = new Set<string>();
    (packagesNode as YAMLSeq).items.forEach((item, i) => {
      const raw = isScalar(item) ? String(item.value ?? '') : '';
      const name = raw.trim();
      if (!DEBIAN_PACKAGE_PATTERN.test(name)) {
        const pinned = /[=<>]/.test(name);
        error('debian-package-name', ['debian', 'packages', i],
          pinned ? `"${name}": versions are not written in the manifest` : `"${raw}" is not a Debian package name`,
          pinned ? `write the bare name "${name.split(/[=<>\s]/)[0]}"; the exact version is recorded in debian.lock.json when the lock is refreshed`
            : 'use the Debian package name apt knows: lowercase letters, digits, "+", "-" and "." (e.g. python3-numpy)');
      } else if (seen.has(name)) {
        error('debian-package-duplicate', ['debian', 'packages', i], `package "${name}" is listed twice`, 'remove the duplicate entry');
      } else {
        seen.add(name);
        packages.push(name);
      }
    });
  }

  const environment: Record<string, string> = Object.create(null);
  const envNode = ctx.doc.getIn(['debian', 'environment'], true) as YamlNode | undefined;
  if (envNode !== undefined) {
    if (!isMap(envNode)) {
      error('debian-environment', ['debian', 'environment'], '"debian.environment" must be a mapping of NAME: value', 'write e.g. "environment: { OMP_NUM_THREADS: \\"1\\" }"');
    } else {
      for (const pair of (envNode as YAMLMap).items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : '';
        const value = pair.value;
        if (!ENV_NAME_PATTERN.test(name)) {
          error('debian-environment', ['debian', 'environment', name], `"${name}" is not an environment variable name`, 'use letters, digits and "_", not starting with a digit', 'key');
        } else if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
          error('debian-environment', ['debian', 'environment', name], `environment "${name}" must have a string value`, `quote it, e.g. ${name}: "1"`);
        } else {
          // Keep numbers as written (`1.10` stays "1.10", not 1.1).
          environment[name] = typeof value.value === 'string' ? value.value : (value.source ?? String(value.value));
        }
      }
    }
  }

  const mounts: DebianMount[] = [];
  const mountsNode = ctx.doc.getIn(['debian', 'mounts'], true) as YamlNode | undefined;
  if (mountsNode !== undefined) {
    if (!isSeq(mountsNode)) {
      error('debian-mounts', ['debian', 'mounts'], '"debian.mounts" must be a list of absolute paths inside the environment', 'write e.g. "mounts: [/var/lib/foo, { path: /var/cache/foo, writable: true }]"');
    } else {
      (mountsNode as YAMLSeq).items.forEach((item, i) => {
        const entry = readMount(item);
        if (!entry || !isCleanAbsolutePath(entry.path) || ['/proc', '/dev', '/sys'].some((p) => entry.path === p || entry.path.startsWith(`${p}/`))) {
          error('debian-mount-path', ['debian', 'mounts', i], `mount ${entry ? `"${entry.path}"` : i + 1} must be an absolute path without ".", ".." or a trailing "/", outside /proc, /dev and /sys`,
            'write e.g. "- /var/lib/foo" (read-only) or "- { path: /var/cache/foo, writable: true }"');
        } else {
          mounts.push(entry);
        }
      });
    }
  }

  if (ctx.platforms && !ctx.platforms.some((p) => p.startsWith('debian-')) && ctx.kind === 'runtime') {
    ctx.report({ rule: 'debian-platform-missing', path: ['debian'], at: 'key', severity: 'warning',
      message: '"debian" is set but no debian-* platform is listed, so no environment is built', fix: 'add debian-amd64 (and debian-arm64) to platforms, or remove the debian section' });
  }
  return ok && suite ? { suite, packages, environment: { ...environment }, mounts } : null;
}

/** A mount entry: a bare path (read-only) or `{ path, writable }`; `undefined` when neither. */
function readMount(item: unknown): DebianMount | undefined {
  const { isMap, isScalar } = yaml();
  if (isScalar(item) && typeof item.value === 'string') return { path: item.value.trim(), writable: false };
  if (!isMap(item)) return undefined;
  const map = item as YAMLMap;
  const path = map.get('path');
  const writable = map.get('writable') ?? false;
  const keys = map.items.map((p) => (isScalar(p.key) ? p.key.value : undefined));
  if (typeof path !== 'string' || typeof writable !== 'boolean' || keys.some((k) => k !== 'path' && k !== 'writable')) return undefined;
  return { path: path.trim(), writable };
}
