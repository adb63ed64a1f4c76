import { UserError } from '@runway/errors';
import { computeImageTags, type ImageTagsInput } from './image-tags';
import { imageRepositories } from './image-name';
import { parseReleaseRef } from './release-ref';
import { formatSemver } from './semver';

/** What the plan needs to know about the payload (a subset of `@runway/manifest`'s Manifest). */
export interface PayloadImageSource {
  name: string;
  version: string;
  description?: string;
  aliases: readonly string[];
  /** Dockerfile path relative to the build context. */
  dockerfile: string;
}

export interface ImagePublishInput extends ImageTagsInput {
  payload: PayloadImageSource;
  /** Registry prefix the images go under, e.g. `ghcr.io/acme` or `127.0.0.1:5000/runway`. */
  registry: string;
  /** Repository URL for `org.opencontainers.image.source`, when known. */
  sourceUrl?: string;
}

/** Everything a publish will do, decided before anything runs; printed as is by `--dry-run`. */
export interface ImagePublishPlan {
  /** Set when nothing is to be published for this ref, with the reason to log. */
  skip?: string;
  project: string;
  dockerfile: string;
  /** Full repositories (`127.0.0.1:5000/runway/runenv-python`), each receiving every tag. */
  repositories: string[];
  tags: string[];
  /** Every `repository:tag`, in push order. */
  refs: string[];
  labels: Record<string, string>;
}

/**
 * Pure: plans the publish of one payload's runenv images for a git ref. A tag of another project
 * or a push to a non-default branch gives a plan with `skip`; a `<name>@X.Y.Z` tag whose version
 * differs from the manifest is refused.
 */
export function planImagePublish(input: ImagePublishInput): ImagePublishPlan {
  const { payload } = input;
  const repositories = imageRepositories(input.registry, payload.name, payload.aliases);
  const base = { project: payload.name, dockerfile: payload.dockerfile, repositories };
  const tags = computeImageTags(input);
  const ref = parseReleaseRef(input.ref, input.defaultBranch ?? 'main');

  let version = payload.version;
  if (!input.km && ref.kind === 'project-tag') {
    if (ref.project !== payload.name) {
      return { ...base, skip: `tag ${ref.tag} releases ${ref.project}, not ${payload.name}`, tags: [], refs: [], labels: {} };
    }
    if (formatSemver(ref.version) !== payload.version) {
      throw new UserError(`version mismatch: tag ${ref.tag} says ${formatSemver(ref.version)} but payloads/${payload.name}/manifest.yaml says ${payload.version}`, {
        hint: `tag ${payload.name}@${payload.version}, or set version: ${formatSemver(ref.version)} in the manifest and tag again`,
      });
    }
  }
  if (!input.km && ref.kind !== 'branch') version = formatSemver(ref.version);
  if (tags.length === 0) {
    return { ...base, skip: `ref ${input.ref} is not the default branch (${input.defaultBranch ?? 'main'}) nor a release tag: no image tags`, tags, refs: [], labels: {} };
  }

  const labels: Record<string, string> = {
    'org.opencontainers.image.title': `runenv-${payload.name}`,
    ...(payload.description ? { 'org.opencontainers.image.description': payload.description } : {}),
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.revision': input.sha.trim().toLowerCase(),
    'org.opencontainers.image.created': input.date.toISOString(),
    ...(input.sourceUrl ? { 'org.opencontainers.image.source': input.sourceUrl } : {}),
  };
  const refs = repositories.flatMap((repo) => tags.map((tag) => `${repo}:${tag}`));
  return { ...base, tags, refs, labels };
}
