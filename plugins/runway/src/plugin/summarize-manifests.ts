import { parse } from 'yaml';
import { isValidName, kindOfProject } from '@runway/manifest';
import type { ManifestSummary } from './infer-targets';

/** A project summary plus the payload's `runtime:` edge, which `createNodes` adds to the inferred project. */
export interface ProjectSummary extends ManifestSummary {
  /** Payloads only: the runtime whose prebuilt environment the image is built from (a project that exists). */
  runtime?: string;
}

/**
 * Pure: turns manifest texts (keyed by manifest path) into project summaries. Never throws: a
 * broken or misnamed manifest still yields a project named after its folder, so `validate` can
 * report the problem instead of the whole graph failing. When two manifests claim one name, the
 * one in the matching folder keeps it and the others fall back to their folder names.
 */
export function summarizeManifests(manifests: ReadonlyArray<readonly [path: string, text: string]>): ProjectSummary[] {
  const drafts = manifests.map(([path, text]) => {
    const root = path.replace(/\/manifest\.yaml$/, '');
    const folder = root.split('/').pop()!;
    const data = safeParse(text);
    const claimed = typeof data.name === 'string' && isValidName(data.name) ? data.name : folder;
    const ext = typeof data.extends === 'string' && isValidName(data.extends) ? data.extends : undefined;
    const runtime = typeof data.runtime === 'string' && isValidName(data.runtime) ? data.runtime : undefined;
    return { root, folder, claimed, extends: ext, runtime, kind: kindOfProject(root), prebuilt: hasDebianSection(text, data) };
  });
  const claims = new Map<string, number>();
  for (const d of drafts) claims.set(d.claimed, (claims.get(d.claimed) ?? 0) + 1);
  const nameOf = (d: (typeof drafts)[number]) => (claims.get(d.claimed)! > 1 && d.claimed !== d.folder ? d.folder : d.claimed);
  const names = new Set(drafts.map(nameOf));
  const runtimes = new Set(drafts.filter((d) => d.kind === 'runtime').map(nameOf));
  return drafts.map((d) => {
    const projectName = nameOf(d);
    return {
      kind: d.kind, projectName, root: d.root, ...(d.prebuilt && { prebuilt: true }),
      // An edge to a project that does not exist would break the graph; validate reports it instead.
      ...(d.extends && d.extends !== projectName && names.has(d.extends) ? { extends: d.extends } : {}),
      ...(d.kind === 'payload' && d.runtime && runtimes.has(d.runtime) ? { runtime: d.runtime } : {}),
    };
  });
}

/**
 * A top-level `debian:` key (prebuilt environments), from the line scan or the parsed YAML. A
 * false positive only adds the builder's code to the build inputs; it never drops an input.
 */
function hasDebianSection(text: string, parsed: Record<string, unknown>): boolean {
  return parsed.debian !== undefined || /^["']?debian["']?[ \t]*:/m.test(text);
}

/** A top-level `key: value` line whose value is a plain token (optionally quoted), with an optional comment. */
const SIMPLE_FIELD = /^(name|extends|runtime):[ \t]*(["']?)([A-Za-z0-9._@-]+)\2[ \t]*(?:#.*)?$/;

/**
 * Reads `name`, `extends` and `runtime`, the only fields that shape the graph. A line scan answers for the
 * plain manifests we write (a YAML parse costs ~0.3 ms each, too much for 500 projects on every
 * Nx command); anything unusual (documents markers, flow style, anchors, repeated keys, block
 * scalars) falls back to the real parser so the result is always what YAML says.
 */
function safeParse(text: string): Record<string, unknown> {
  const fields: Record<string, string> = {};
  let simple = true;
  for (const line of text.split('\n')) {
    if (!/^(name|extends|runtime)\s*:/.test(line)) {
      if (/^(---|\.\.\.|%|[{[&*!|>]|\? )/.test(line)) simple = false;
      continue;
    }
    const m = SIMPLE_FIELD.exec(line.replace(/\r$/, ''));
    if (!m || m[1] in fields) { simple = false; break; }
    fields[m[1]] = m[3];
  }
  return simple ? fields : parseYaml(text);
}

function parseYaml(text: string): Record<string, unknown> {
  try {
    const data = parse(text);
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
