import { join } from 'node:path';
import { generateFiles, type Tree } from '@nx/devkit';
import { UserError } from '@runway/errors';
import { KNOWN_PLATFORMS } from '@runway/manifest';
import { assertNewProject } from '../shared/new-project';
import type { RuntimeGeneratorSchema } from './schema';

/** Options with defaults applied and every value checked. */
export interface NormalizedRuntimeOptions {
  name: string;
  version: string;
  description: string;
  platforms: string[];
  extends?: string;
  root: string;
}

/**
 * Applies defaults and checks the options against the manifest rules and the tree: a taken name,
 * an unknown or duplicate platform, or a missing base runtime is a `UserError`.
 */
export function normalizeRuntimeOptions(tree: Tree, options: RuntimeGeneratorSchema): NormalizedRuntimeOptions {
  const name = options.name?.trim() ?? '';
  const version = options.version?.trim() || '1.0.0';
  assertNewProject(tree, 'runtime', name, version);

  // The Nx CLI passes `--platforms=a,b` as one string; accept both forms.
  const raw = options.platforms ?? ['ubuntu-amd64', 'ubuntu-arm64'];
  const platforms = (Array.isArray(raw) ? raw : [raw]).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  if (platforms.length === 0) {
    throw new UserError(`no platforms given: list at least one of ${KNOWN_PLATFORMS.join(', ')}`);
  }
  for (const p of platforms) {
    if (!(KNOWN_PLATFORMS as readonly string[]).includes(p)) {
      throw new UserError(`unknown platform "${p}": use one of ${KNOWN_PLATFORMS.join(', ')}`);
    }
  }
  const duplicate = platforms.find((p, i) => platforms.indexOf(p) !== i);
  if (duplicate) throw new UserError(`platform "${duplicate}" is listed twice: list each platform once`);

  const base = options.extends?.trim() || undefined;
  if (base && !tree.exists(`runtimes/${base}/manifest.yaml`)) {
    throw new UserError(`--extends names "${base}", but there is no runtimes/${base}/manifest.yaml: create that runtime first or fix the name`);
  }
  const description = options.description?.trim() || `${name} runtime`;
  return { name, version, description, platforms, ...(base ? { extends: base } : {}), root: `runtimes/${name}` };
}

/**
 * `nx g @runway/nx-plugin:runtime <name>`: writes runtimes/<name>/ with manifest.yaml, README.md,
 * the setup.sh dispatcher, lib/common.sh, lib/install.sh and an executable setup-<platform>.sh per
 * platform. The result validates and builds at once, and its setup builds a working isolated/
 * tree (bash and a few coreutils from the host) for the author to extend.
 */
export default async function runtimeGenerator(tree: Tree, schema: RuntimeGeneratorSchema): Promise<void> {
  const options = normalizeRuntimeOptions(tree, schema);
  const values = {
    ...options,
    extendsName: options.extends ?? '',
    // JSON strings are valid YAML scalars, so any description survives the round trip.
    descriptionYaml: JSON.stringify(options.description),
  };
  generateFiles(tree, join(__dirname, 'files'), options.root, values);
  for (const platform of options.platforms) {
    const [os, arch] = platform.split('-');
    generateFiles(tree, join(__dirname, 'platform-files'), options.root, { name: options.name, platform, os, arch });
  }
  for (const script of ['setup.sh', ...options.platforms.map((p) => `setup-${p}.sh`)]) {
    tree.changePermissions(`${options.root}/${script}`, '755');
  }
}
