import { join } from 'node:path';
import { generateFiles, type Tree } from '@nx/devkit';
import { UserError } from '@runway/errors';
import { assertNewProject } from '../shared/new-project';
import type { PayloadGeneratorSchema } from './schema';

/** Image names: the rule the manifest applies to `aliases`. */
const IMAGE_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export interface NormalizedPayloadOptions {
  name: string;
  version: string;
  description: string;
  aliases: string[];
  root: string;
}

/** Applies defaults and checks the options; a taken name or a bad alias is a `UserError`. */
export function normalizePayloadOptions(tree: Tree, options: PayloadGeneratorSchema): NormalizedPayloadOptions {
  const name = options.name?.trim() ?? '';
  const version = options.version?.trim() || '0.1.0';
  assertNewProject(tree, 'payload', name, version);
  // The Nx CLI passes `--aliases=a,b` as one string; accept both forms.
  const raw = options.aliases ?? [];
  const aliases = (Array.isArray(raw) ? raw : [raw]).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  for (const alias of aliases) {
    if (!IMAGE_NAME.test(alias)) {
      throw new UserError(`alias "${alias}" is not a valid image name: use lowercase letters, digits, ".", "_" and "-" (e.g. runenv-python-3.11)`);
    }
  }
  const description = options.description?.trim() || `${name} run environment`;
  return { name, version, description, aliases: [...new Set(aliases)], root: `payloads/${name}` };
}

/**
 * `nx g @runway/nx-plugin:payload <name>`: writes payloads/<name>/ with manifest.yaml, a
 * Dockerfile that builds offline (FROM scratch, COPY rootfs/), rootfs/etc/runenv-release and a
 * README. The project validates at once and its image builds without a base image.
 */
export default async function payloadGenerator(tree: Tree, schema: PayloadGeneratorSchema): Promise<void> {
  const options = normalizePayloadOptions(tree, schema);
  generateFiles(tree, join(__dirname, 'files'), options.root, {
    ...options,
    descriptionYaml: JSON.stringify(options.description),
  });
}
