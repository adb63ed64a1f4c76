import { UserError } from '@runway/errors';
import { ENV_NAME_PATTERN, isCleanAbsolutePath } from '@runway/manifest';

/** One mount of `runtime.yml`: a folder of the runtime (relative) shown at an absolute path in the job. */
export interface RuntimeMount {
  /** Relative to the runtime folder, e.g. `isolated/usr`. */
  source: string;
  /** Absolute and clean, e.g. `/usr`. */
  target: string;
  readonly: boolean;
}

/** `runtime.yml` (the Joblet shape) after validation. */
export interface RuntimeConfig {
  name?: string;
  version?: string;
  description?: string;
  mounts: RuntimeMount[];
  environment: Record<string, string>;
}

/** A `runtime.yml` is a few hundred bytes; anything this large is not one. */
export const MAX_RUNTIME_YML_BYTES = 256 * 1024;

/** Targets the sandbox provides itself: a runtime may not cover them with its own files. */
const RESERVED_TARGETS = ['/proc', '/dev'];

/**
 * Pure: why a mount source is unsafe, or `undefined`. Sources are relative to the runtime folder
 * and may not leave it: no absolute path, no `..`, no `.` or empty segment.
 */
export function mountSourceProblem(source: string): string | undefined {
  if (source === '' || source.includes('\0')) return 'is empty';
  if (source.startsWith('/')) return 'is absolute (sources are relative to the runtime folder)';
  const segments = source.split('/');
  if (segments.includes('..')) return 'leaves the runtime folder with ".."';
  if (segments.some((s) => s === '' || s === '.')) return 'is not a clean relative path (empty or "." segment)';
  return undefined;
}

/** Pure: why a mount target is unacceptable, or `undefined`. */
export function mountTargetProblem(target: string): string | undefined {
  if (!isCleanAbsolutePath(target)) return 'is not an absolute clean path (e.g. /usr)';
  if (RESERVED_TARGETS.some((r) => target === r || target.startsWith(`${r}/`))) return 'is provided by the sandbox itself';
  return undefined;
}

/**
 * Pure: parses and checks the text of a `runtime.yml`. Throws one `UserError` listing every
 * problem (mount sources escaping the runtime folder, unclean targets, bad environment names),
 * because a runtime with any of them must not run at all.
 */
export function parseRuntimeConfig(text: string, file = 'runtime.yml'): RuntimeConfig {
  if (Buffer.byteLength(text) > MAX_RUNTIME_YML_BYTES) {
    throw new UserError(`${file} is larger than ${MAX_RUNTIME_YML_BYTES} bytes`, { hint: 'reinstall the runtime; this is not a runtime.yml' });
  }
  const { parse } = require('yaml') as typeof import('yaml');
  let raw: unknown;
  try {
    raw = parse(text, { uniqueKeys: true });
  } catch (err) {
    throw new UserError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { hint: 'reinstall the runtime', cause: err });
  }
  const problems: string[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${file} must be a mapping with mounts and environment`, { hint: 'reinstall the runtime' });
  }
  const doc = raw as Record<string, unknown>;
  const text_ = (key: string) => (typeof doc[key] === 'string' || typeof doc[key] === 'number' ? String(doc[key]) : undefined);

  const mounts: RuntimeMount[] = [];
  if (!Array.isArray(doc.mounts)) {
    problems.push('"mounts" must be a list');
  } else {
    const targets = new Set<string>();
    doc.mounts.forEach((m: unknown, i: number) => {
      const mount = m as Record<string, unknown> | null;
      const where = `mounts[${i}]`;
      if (!mount || typeof mount !== 'object' || typeof mount.source !== 'string' || typeof mount.target !== 'string') {
        problems.push(`${where} needs "source" and "target" strings`);
        return;
      }
      const readonly = mount.readonly ?? true;
      if (typeof readonly !== 'boolean') problems.push(`${where}.readonly must be true or false`);
      const sourceProblem = mountSourceProblem(mount.source);
      if (sourceProblem) problems.push(`${where}.source "${mount.source}" ${sourceProblem}`);
      const targetProblem = mountTargetProblem(mount.target);
      if (targetProblem) problems.push(`${where}.target "${mount.target}" ${targetProblem}`);
      if (targets.has(mount.target)) problems.push(`${where}.target "${mount.target}" is mounted twice`);
      targets.add(mount.target);
      mounts.push({ source: mount.source, target: mount.target, readonly: readonly !== false });
    });
  }

  const environment: Record<string, string> = {};
  if (doc.environment !== undefined && doc.environment !== null) {
    if (typeof doc.environment !== 'object' || Array.isArray(doc.environment)) {
      problems.push('"environment" must be a mapping of NAME: value');
    } else {
      for (const [name, value] of Object.entries(doc.environment as Record<string, unknown>)) {
        if (!ENV_NAME_PATTERN.test(name)) problems.push(`environment "${name}" is not a variable name`);
        else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') problems.push(`environment "${name}" must be a string`);
        else environment[name] = String(value);
      }
    }
  }

  if (problems.length > 0) {
    throw new UserError(`${file} is unsafe or malformed:\n  - ${problems.join('\n  - ')}`, {
      hint: 'a runtime.yml may only mount folders inside its runtime folder at absolute paths; reinstall the runtime or fix its runtime.yml',
    });
  }
  return {
    ...(text_('name') !== undefined && { name: text_('name') }),
    ...(text_('version') !== undefined && { version: text_('version') }),
    ...(text_('description') !== undefined && { description: text_('description') }),
    mounts,
    environment,
  };
}
