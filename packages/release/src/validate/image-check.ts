import type { Manifest } from '@runway/manifest';
import type { DockerApi, RegistryClient, RegistryCredentials } from '@runway/publisher-docker';
import { imageRepositories, splitImageRepository } from '@runway/release-policy';
import { outputTail, type ProjectCheck } from './validation-report';

export interface ImageCheckRequest {
  name: string;
  manifest: Manifest;
  /** The registry prefix the images were published under (`RUNWAY_IMAGE_REGISTRY`). */
  registryPrefix: string;
  /** The tag the release published them under (`X.Y.Z`, `X.Y.Z-rc.N`). */
  imageTag: string;
  docker: DockerApi;
  registry(host: string): RegistryClient;
  credentials(host: string): RegistryCredentials | undefined;
  onOutput?: (line: string) => void;
}

/**
 * Checks a payload's published images: resolves `<repository>:<imageTag>` of the image and of each
 * alias to a digest through the registry API, pulls each distinct digest BY DIGEST (so what is
 * tested is exactly what the digest names, whatever the tag does meanwhile), and runs the payload's
 * `smoke:` in a fresh container without network, as the publish did before its push
 * (`DockerApi.runContainer`). A missing image, a refused pull or a failing smoke command is a failed
 * check. The caller checks that the daemon answers first.
 */
export async function checkPayloadImage(req: ImageCheckRequest): Promise<ProjectCheck> {
  const base: ProjectCheck = { name: req.name, kind: 'payload', passed: false };
  const repositories = imageRepositories(req.registryPrefix, req.name, req.manifest.aliases);
  const digests = await Promise.all(repositories.map(async (repository) => {
    const { host, path } = splitImageRepository(repository);
    return req.registry(host).manifestDigest(path, req.imageTag);
  }));
  const missing = repositories.filter((_, i) => digests[i] === undefined);
  if (missing.length > 0) return { ...base, reason: `no image ${missing.map((r) => `${r}:${req.imageTag}`).join(', ')} in the registry` };
  const images = Object.fromEntries(repositories.map((r, i) => [r, digests[i]!]));
  const smoke = req.manifest.smoke;
  const pulled: string[] = [];
  const tails: string[] = [];
  // One pull and one smoke run per distinct digest: aliases usually share the image's.
  const firstRepository = new Map<string, string>();
  repositories.forEach((r, i) => { if (!firstRepository.has(digests[i]!)) firstRepository.set(digests[i]!, r); });
  for (const [digest, repository] of firstRepository) {
    const reference = `${repository}@${digest}`;
    try {
      await req.docker.pullImage(reference, req.credentials(splitImageRepository(repository).host), (e) => {
        const line = `${e.id ? `${e.id}: ` : ''}${e.status ?? ''}`.trim();
        if (line) req.onOutput?.(line);
      });
    } catch (err) {
      return { ...base, images, installed: pulled.join(', ') || undefined, reason: `pulling ${reference} failed: ${(err as Error).message}` };
    }
    pulled.push(reference);
    if (!smoke) continue;
    const run = await req.docker.runContainer(reference, smoke);
    const tail = outputTail(run.output);
    tails.push(tail);
    if (run.exitCode !== 0) {
      return { ...base, images, installed: pulled.join(', '), smoke, outputTail: tails.join('\n'), reason: `the smoke command exited with ${run.exitCode} in ${reference}` };
    }
  }
  return { ...base, passed: true, images, installed: pulled.join(', '), ...(smoke ? { smoke, outputTail: tails.join('\n') } : {}) };
}
