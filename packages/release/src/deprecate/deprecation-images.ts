import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import { isValidName } from '@runway/manifest';
import { readManifest } from '@runway/project-files';
import { openRegistryAccess, type RegistryAccess, type StoredManifest } from '@runway/publisher-docker';
import { imageRepositories, splitImageRepository, type ImageState, type ImageTagMove } from '@runway/release-policy';

/** Version tags (`1.2.3`) and moving tags (`1.2`, `1`, `latest`): the only tags a deprecation reads. */
const VERSION_OR_MOVING_TAG = /^(?:latest|(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*)){0,2})$/;
/** A repository with more version tags than this is refused rather than read tag by tag. */
const MAX_VERSION_TAGS = 2000;
/** HEAD requests in flight at once per repository. */
const PARALLEL_READS = 8;

/** The payloads' images as the registry lists them, and the access to change them later. */
export interface PayloadImages {
  states: ImageState[];
  access?: RegistryAccess;
}

/**
 * Reads the published images of the payloads among `projects` (a project is a payload when
 * `payloads/<name>/manifest.yaml` exists): for each of its repositories (`runenv-<name>` and its
 * aliases under the image registry prefix), every version and moving tag with its digest, from the
 * registry's tag list. Read-only. Runtimes have no image and are left out.
 * @throws UserError when a payload is involved but no image registry is configured.
 */
export async function readPayloadImages(input: { workspaceRoot: string; projects: readonly string[]; registryPrefix?: string; env: NodeJS.ProcessEnv }): Promise<PayloadImages> {
  const payloads: Array<{ name: string; aliases: readonly string[] }> = [];
  // A malformed name is left to planDeprecation, which refuses it; it never becomes a path here.
  for (const name of input.projects.filter(isValidName)) {
    const root = `payloads/${name}`;
    if (!(await stat(join(input.workspaceRoot, root, 'manifest.yaml')).then((s) => s.isFile(), () => false))) continue;
    const { manifest, errors } = await readManifest(input.workspaceRoot, root);
    if (!manifest) throw new UserError(`${root}/manifest.yaml is invalid: ${errors.map((e) => e.message).join('; ')}`, { hint: `run nx run ${name}:validate for details` });
    payloads.push({ name, aliases: manifest.aliases });
  }
  if (payloads.length === 0) return { states: [] };
  if (!input.registryPrefix) {
    throw new UserError(`${payloads.map((p) => p.name).join(', ')} ${payloads.length === 1 ? 'is a payload' : 'are payloads'} whose runenv image tags move with the deprecation, but no image registry is configured`, {
      hint: 'set RUNWAY_IMAGE_REGISTRY (e.g. ghcr.io/acme), or pass --image-registry, with push credentials (RUNWAY_IMAGE_REGISTRY_USER/RUNWAY_IMAGE_REGISTRY_PASSWORD or docker login)',
    });
  }
  const access = await openRegistryAccess(input.env);
  const states: ImageState[] = [];
  for (const payload of payloads) {
    for (const repository of imageRepositories(input.registryPrefix, payload.name, payload.aliases)) {
      states.push({ project: payload.name, repository, tags: await readTags(access, repository) });
    }
  }
  return { states, access };
}

/** Every version and moving tag of `repository` → its digest; an unknown repository has none. */
async function readTags(access: RegistryAccess, repository: string): Promise<Record<string, string>> {
  const { host, path } = splitImageRepository(repository);
  const registry = access.client(host);
  const tags = (await registry.listTags(path)).filter((t) => VERSION_OR_MOVING_TAG.test(t));
  if (tags.length > MAX_VERSION_TAGS) {
    throw new UserError(`${repository} lists ${tags.length} version tags; at most ${MAX_VERSION_TAGS} are read`, { hint: `move its tags by hand with runway image retag ${repository} --to <version>` });
  }
  const out: Record<string, string> = Object.create(null);
  for (let i = 0; i < tags.length; i += PARALLEL_READS) {
    const batch = tags.slice(i, i + PARALLEL_READS);
    const digests = await Promise.all(batch.map((t) => registry.manifestDigest(path, t)));
    // A tag deleted between the listing and the read is simply not there.
    batch.forEach((t, j) => { if (digests[j] !== undefined) out[t] = digests[j]!; });
  }
  return out;
}

/** A planned move with the exact manifest it will store under the tag. */
export interface PreparedMove extends ImageTagMove {
  manifest: StoredManifest;
}

/**
 * Reads, before anything changes, the manifest each move copies (the replacement's image, by its
 * digest), so a missing or altered manifest stops the deprecation before its first change.
 */
export async function prepareImageMoves(moves: readonly ImageTagMove[], access: RegistryAccess | undefined): Promise<PreparedMove[]> {
  if (moves.length === 0) return [];
  if (!access) throw new Error('image moves were planned without registry access');
  const read = new Map<string, Promise<StoredManifest | undefined>>();
  const prepared: PreparedMove[] = [];
  for (const move of moves) {
    const { host, path } = splitImageRepository(move.repository);
    const key = `${move.repository}@${move.to}`;
    if (!read.has(key)) read.set(key, access.client(host).getManifest(path, move.to));
    const manifest = await read.get(key)!;
    if (!manifest || (manifest.digest !== '' && manifest.digest !== move.to)) {
      throw new UserError(`${move.repository}@${move.to} (the image of ${move.version}) cannot be read back from the registry`, { hint: `check ${move.repository}:${move.version}, then run the deprecation again` });
    }
    prepared.push({ ...move, manifest });
  }
  return prepared;
}

/** Stores each move's manifest under its tag (a registry-side copy: nothing is rebuilt or pulled). */
export async function moveImageTags(moves: readonly PreparedMove[], access: RegistryAccess | undefined, logger: Logger): Promise<void> {
  for (const move of moves) {
    const { host, path } = splitImageRepository(move.repository);
    await access!.client(host).putManifest(path, move.tag, move.manifest);
    logger.info(`moved ${move.repository}:${move.tag} to the image of ${move.version} (${move.to})`);
  }
}

/** One move as the plan prints it. */
export function describeImageMove(move: ImageTagMove): string {
  return `move ${move.repository}:${move.tag} to the image of ${move.version} (${move.from} → ${move.to})`;
}
