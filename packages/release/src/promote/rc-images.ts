import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import { createRegistryClient, readDockerConfig, resolveRegistryCredentials, type RegistryClient } from '@runway/publisher-docker';
import { imageRepositories, isStable, parseSemver, splitImageRepository, type PromotionFacts, type RcProject } from '@runway/release-policy';
import { validateProjectAt } from '../source/project-at-commit';

/** The OCI registries of a promotion: one client per host, with the credentials `runway image retag` uses. */
export interface ImageRegistries {
  /** The registry prefix payload images live under (`RUNWAY_IMAGE_REGISTRY`), e.g. `ghcr.io/acme`. */
  prefix: string;
  client(host: string): RegistryClient;
}

/** The registries from the environment, or undefined when no image registry is configured. */
export async function imageRegistriesFrom(env: NodeJS.ProcessEnv): Promise<ImageRegistries | undefined> {
  const prefix = env.RUNWAY_IMAGE_REGISTRY;
  if (!prefix) return undefined;
  const config = await readDockerConfig(env);
  const clients = new Map<string, RegistryClient>();
  return {
    prefix,
    client: (host) => clients.get(host) ?? clients.set(host, createRegistryClient({ host, credentials: resolveRegistryCredentials(host, env, config) })).get(host)!,
  };
}

/**
 * The images of an RC's payloads, read-only: for each repository (`runenv-<name>` and its aliases, from
 * the manifest at the release commit), the digest its RC tag has now, and what the stable side holds
 * (every stable `X.Y.Z` tag and the moving tags).
 */
export async function gatherImageFacts(input: {
  registries: ImageRegistries;
  projects: readonly RcProject[];
  rcTag: string;
  workspaceRoot: string;
  releaseCommit: string;
}): Promise<{ images: PromotionFacts['rc']['images']; published: PromotionFacts['target']['images'] }> {
  const rcImageTag = input.rcTag.slice(1);
  const images: PromotionFacts['rc']['images'] = [];
  const published: PromotionFacts['target']['images'] = {};
  for (const project of input.projects.filter((p) => p.section === 'payloads')) {
    const { manifest } = await validateProjectAt(input.workspaceRoot, input.releaseCommit, `payloads/${project.name}`);
    for (const repository of imageRepositories(input.registries.prefix, project.name, manifest?.aliases ?? [])) {
      const { host, path } = splitImageRepository(repository);
      const client = input.registries.client(host);
      images.push({ project: project.name, repository, digest: await client.manifestDigest(path, rcImageTag) });
      const tags = (await client.listTags(path)).filter((t) => t === 'latest' || /^\d+(\.\d+)?$/.test(t) || isStableTag(t));
      const held: Record<string, string> = {};
      for (const tag of tags) {
        const digest = await client.manifestDigest(path, tag);
        if (digest !== undefined) held[tag] = digest;
      }
      published[repository] = held;
    }
  }
  return { images, published };
}

function isStableTag(tag: string): boolean {
  const v = parseSemver(tag);
  return v !== undefined && isStable(v);
}

/**
 * Points `repository:tag` at the RC's verified digest by copying the RC tag's manifest (no rebuild,
 * no layer push), after checking the RC tag still has that digest.
 */
export async function pointImageTag(registries: ImageRegistries, action: { repository: string; tag: string; digest: string }, rcTag: string, logger: Logger): Promise<void> {
  const { host, path } = splitImageRepository(action.repository);
  const client = registries.client(host);
  const source = await client.getManifest(path, rcTag.slice(1));
  if (source?.digest !== action.digest) {
    throw new UserError(`${action.repository}:${rcTag.slice(1)} moved while promoting (now ${source?.digest ?? 'gone'}, validated ${action.digest})`, { hint: 'release and validate a new RC' });
  }
  await client.putManifest(path, action.tag, source);
  logger.info(`pointed ${action.repository}:${action.tag} at ${action.digest}`);
}
