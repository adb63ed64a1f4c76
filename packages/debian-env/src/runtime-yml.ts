import type { EnvironmentDefinition } from './types';

/** The environment every job of a prebuilt runtime starts with; the manifest's `debian.environment` adds to it. */
export const DEFAULT_ENVIRONMENT: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
};

/**
 * Top-level folders of the root filesystem mounted read-only when present, in this order. On a
 * merged-/usr Debian `bin`, `sbin` and `lib*` are links into `usr`; mounting them anyway keeps
 * `#!/bin/sh` and the loader path `/lib64/...` working under any job runner that binds folders.
 */
export const READ_ONLY_FOLDERS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'usr', 'etc'] as const;

/** `runtime.yml` in the Joblet shape. */
export interface RuntimeYml {
  name: string;
  version: string;
  description: string;
  mounts: Array<{ source: string; target: string; readonly: boolean }>;
  environment: Record<string, string>;
}

/**
 * Pure: the `runtime.yml` of a built environment. `topLevel` lists what exists at the top of
 * `isolated/` (so `lib64` is mounted only where the architecture has it). Every present folder of
 * {@link READ_ONLY_FOLDERS} is mounted read-only at `/<folder>`, `tmp` writable, then the
 * manifest's extra mounts (`isolated/<path>` at `<path>`; one with the same target replaces the
 * default). The environment is {@link DEFAULT_ENVIRONMENT} with the manifest's on top.
 */
export function runtimeYmlFor(definition: EnvironmentDefinition, topLevel: readonly string[]): RuntimeYml {
  const present = new Set(topLevel);
  const mounts: RuntimeYml['mounts'] = READ_ONLY_FOLDERS.filter((f) => present.has(f))
    .map((f) => ({ source: `isolated/${f}`, target: `/${f}`, readonly: true }));
  mounts.push({ source: 'isolated/tmp', target: '/tmp', readonly: false });
  for (const extra of definition.mounts) {
    const mount = { source: `isolated${extra.path}`, target: extra.path, readonly: !extra.writable };
    const same = mounts.findIndex((m) => m.target === extra.path);
    if (same >= 0) mounts[same] = mount;
    else mounts.push(mount);
  }
  return {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    mounts,
    environment: { ...DEFAULT_ENVIRONMENT, ...definition.environment },
  };
}

/**
 * Pure: the YAML text, every scalar double-quoted (JSON strings are valid YAML double-quoted
 * scalars), in the field order of the Joblet examples, with a final newline.
 */
export function serializeRuntimeYml(yml: RuntimeYml): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [`name: ${q(yml.name)}`, `version: ${q(yml.version)}`, `description: ${q(yml.description)}`, 'mounts:'];
  for (const m of yml.mounts) lines.push(`  - source: ${q(m.source)}`, `    target: ${q(m.target)}`, `    readonly: ${m.readonly}`);
  lines.push('environment:');
  for (const [name, value] of Object.entries(yml.environment)) lines.push(`  ${name}: ${q(value)}`);
  return `${lines.join('\n')}\n`;
}
