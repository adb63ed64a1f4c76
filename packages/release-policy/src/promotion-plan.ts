import { UserError } from '@runway/errors';
import { isDeprecated, type Registry, type RegistryEntry, type RegistrySection } from '@runway/registry';
import { TRUST_FILES } from '@runway/trust';
import { decideLatest } from './latest-decision';
import { ownValue } from './own-value';
import { describeSemverProblem, isStable, parseSemver } from './semver';
import { DEFAULT_TAG_SIGNING_POLICY, isSignatureRequired, type TagSigningPolicy } from './tag-signing-policy';

/** One file of a release: its name, the sha256 of its bytes and its size. */
export interface ReleaseFile {
  name: string;
  sha256: string;
  size: number;
}

/**
 * The asset `runway release validate` adds to the release it validated (a `VerificationRecord` as
 * JSON). It is written after the release was published, so `SHA256SUMS` never lists it.
 */
export const VERIFICATION_FILE = 'VERIFICATION.json';

/** The record `runway release validate <rc tag>` leaves when it validated an RC. */
export interface VerificationRecord {
  /** The RC tag that was validated. */
  tag: string;
  /** The commit the tag pointed at then. */
  commit: string;
  passed: boolean;
  /** Image repository → the digest that was pulled and smoke-tested. */
  images: Record<string, string>;
  /** File → sha256 of the assets that were installed and tested, when the record lists them. */
  assets?: Record<string, string>;
}

/** One project released by the RC. */
export interface RcProject {
  section: RegistrySection;
  name: string;
  /** Its entry in the RC's own registry file (download URLs into the RC release). */
  entry: RegistryEntry;
  /** Its files among the RC's assets (package, `.sha256`, SBOM, prebuilt environments …). */
  files: string[];
}

/** Everything the promotion looks at, read before planning; nothing has been changed. */
export interface PromotionFacts {
  /** `vX.Y.Z-rc.N` (umbrella) or `<name>@X.Y.Z-rc.N` (one project). */
  rcTag: string;
  rc: {
    /** The commit the RC tag points at; undefined when the tag does not exist. */
    commit?: string;
    /** The commit its packages were built from (the bulk release commit); default `commit`. */
    releaseCommit?: string;
    /** The RC's release; undefined when it was never released. */
    release?: { draft: boolean };
    /** The RC's `SHA256SUMS`: its lines (file → sha256) and whether its detached signature verified. */
    checksums?: { signatureVerified: boolean; files: Record<string, string> };
    /** The RC's assets as downloaded now (sha256 of the bytes). */
    assets: ReleaseFile[];
    /** The validation record of the RC, if it was validated. */
    verification?: VerificationRecord;
    projects: RcProject[];
    /** Each payload image of the RC and the digest `<repository>:<X.Y.Z-rc.N>` has now (undefined: tag gone). */
    images: Array<{ project: string; repository: string; digest?: string }>;
  };
  target: {
    /** Existing tags → the commit they point at (the stable tags at least). */
    tags: Record<string, string>;
    /** Existing releases by tag, with their files. */
    releases: Record<string, { draft: boolean; assets: Array<{ name: string; sha256: string }> }>;
    /** The main `registry.json`. */
    registry: Registry;
    /** Image repository → tag → digest, as published now. */
    images: Record<string, Record<string, string>>;
    /**
     * The published stable `vX.Y.Z` versions and the deprecated ones, for GitHub's "Latest" badge of
     * an umbrella release (a project RC takes its stream from the registry and ignores this).
     */
    umbrella: { published: string[]; deprecated: string[] };
    /**
     * The download URL of `file` in the release `tag` on this target (GitHub encodes the tag,
     * the directory registry does not): how the RC's entries name their files, and how the
     * stable entries will.
     */
    assetUrl(tag: string, file: string): string;
  };
}

/** One step of a promotion, in the order the plan lists them. */
export type PromotionAction =
  /** Create (and push) `tag` on `commit`; signed when the policy requires it. */
  | { kind: 'create-tag'; tag: string; commit: string; signatureRequired: boolean }
  /**
   * Publish the stable release `tag` on `commit` with `assets` copied byte-identical from the RC
   * release `from` (download, check sha256, upload; never rebuild). `makeLatest` sets GitHub's
   * "Latest" badge explicitly. Notes: the changelog section of the version.
   */
  | { kind: 'publish-release'; tag: string; commit: string; from: string; assets: ReleaseFile[]; makeLatest: boolean }
  /** Point `repository:tag` at `digest` (the RC's verified digest). */
  | { kind: 'point-image-tag'; repository: string; tag: string; digest: string; from?: string }
  /** Add the stable registry entry (the RC's entry with URLs into the stable release). */
  | { kind: 'add-registry-entry'; section: RegistrySection; name: string; entry: RegistryEntry };

/** Why a promotion is refused, and how to fix it. */
export interface PromotionProblem {
  message: string;
  fix: string;
}

export type PromotionPlan =
  | { kind: 'refused'; rcTag: string; stableTag: string; problems: PromotionProblem[] }
  /** `actions` is empty when the promotion is already complete. */
  | { kind: 'planned'; rcTag: string; stableTag: string; version: string; actions: PromotionAction[] };

/**
 * The trust files (SHA256SUMS, its signature, the signed provenance, an index signature) describe the
 * other assets, and the verification record comes after them: none is listed in SHA256SUMS.
 */
const TRUST_FILE_NAMES: readonly string[] = [...Object.values(TRUST_FILES), VERIFICATION_FILE];

/**
 * Pure: plans `runway promote <rc tag>`. Every check runs first and all failures are reported
 * together (the promotion is then refused and changes nothing): the RC tag exists, its release
 * is published, its SHA256SUMS signature verified, every asset still has the sha256 SHA256SUMS
 * lists and is listed there, the validation record passed for this tag and commit (and, when it
 * lists assets, for these bytes), every image's RC tag still has the digest that was validated,
 * and no stable tag, release, registry entry or image tag exists with other content. The plan then
 * lists only what is missing: tags (`vX.Y.Z` on the RC commit, `<name>@X.Y.Z` on the release commit),
 * the per-project releases and the umbrella release with the RC's files, the images' `X.Y.Z` and
 * the moving tags `decideLatest` gives, and the registry entries. Planning again after a complete
 * promotion plans nothing; after a partial one, only the rest.
 * @throws UserError (exit code 2) when `rcTag` is not an RC tag.
 */
export function planPromotion(facts: PromotionFacts, options: { signing?: TagSigningPolicy } = {}): PromotionPlan {
  const { rcTag, rc, target } = facts;
  const { project, version } = parseRcTag(rcTag);
  const stableTag = project === undefined ? `v${version}` : `${project}@${version}`;
  const problems: PromotionProblem[] = [];
  const refuse = (message: string, fix: string) => problems.push({ message, fix });

  // The RC itself: released, signed checksums, validated, unchanged.
  if (rc.commit === undefined) refuse(`the RC tag ${rcTag} does not exist`, 'fetch tags (git fetch --tags) or check the tag name');
  if (!rc.release || rc.release.draft) refuse(`${rcTag} was not released${rc.release?.draft ? ' (its release is still a draft)' : ''}`, `release the RC first (push ${rcTag}; the release workflow publishes it), validate it, then promote`);
  const sums = rc.checksums;
  if (!sums) refuse(`${rcTag} has no SHA256SUMS`, 'only an RC released with its signed SHA256SUMS can be promoted: release a new RC');
  else if (!sums.signatureVerified) refuse(`the signature of ${rcTag}'s SHA256SUMS does not verify`, 'check the release signing key; a release whose checksums are not signed by it cannot be promoted');
  const record = rc.verification;
  if (!record || !record.passed) {
    refuse(`${rcTag} was not verified${record ? ' (its validation failed)' : ''}`, `run "runway release validate ${rcTag}" and promote once it passes`);
  } else if (record.tag !== rcTag || record.commit !== rc.commit) {
    refuse(`the validation record is for ${record.tag} at ${record.commit.slice(0, 12)}, not ${rcTag} at ${rc.commit?.slice(0, 12) ?? '(missing)'}`, `validate ${rcTag} again: the tag moved or the record belongs to another RC`);
  }
  const assets = new Map(rc.assets.map((a) => [a.name, a]));
  if (sums) {
    for (const [name, sha256] of Object.entries(sums.files)) {
      const asset = assets.get(name);
      if (!asset) refuse(`${rcTag} lacks ${name}, which its SHA256SUMS lists`, 'the RC release was altered: release and validate a new RC');
      else if (asset.sha256 !== sha256) refuse(`${rcTag}'s ${name} has sha256 ${asset.sha256}, but SHA256SUMS says ${sha256}`, 'the RC asset changed after release: release and validate a new RC');
      const tested = ownValue(record?.assets, name);
      if (record?.passed && tested !== undefined && tested !== sha256) refuse(`${name} was validated with sha256 ${tested}, but SHA256SUMS says ${sha256}`, `validate ${rcTag} again`);
    }
    for (const asset of rc.assets) {
      if (!TRUST_FILE_NAMES.includes(asset.name) && ownValue(sums.files, asset.name) === undefined) refuse(`${rcTag}'s ${asset.name} is not listed in SHA256SUMS`, 'the RC release was altered: release and validate a new RC');
    }
  }
  for (const image of rc.images) {
    const validated = ownValue(record?.images, image.repository);
    if (image.digest === undefined) refuse(`${image.repository}:${rcTag.slice(rcTag.lastIndexOf('@') + 1).replace(/^v/, '')} no longer exists`, 'release and validate a new RC');
    else if (record?.passed && validated === undefined) refuse(`${image.repository} was not part of the validation of ${rcTag}`, `run "runway release validate ${rcTag}" again`);
    else if (validated !== undefined && validated !== image.digest) refuse(`${image.repository}'s RC tag now has digest ${image.digest}, but ${validated} was validated`, 'the RC image tag was moved: release and validate a new RC');
  }
  if (rc.projects.length === 0 && rc.images.length === 0) refuse(`${rcTag} released nothing to promote`, 'check the RC release: it lists no project and no image');

  // The stable side: what exists must be exactly this promotion's (a repair), never something else.
  const commit = rc.commit ?? '';
  const releaseCommit = rc.releaseCommit ?? commit;
  const tagAt = (tag: string, at: string) => {
    const existing = ownValue(target.tags, tag);
    if (existing !== undefined && existing !== at) refuse(`${tag} already exists at ${existing.slice(0, 12)}, not at ${at.slice(0, 12)}`, 'a published version is immutable: promote a new RC to a higher version');
    return existing === undefined;
  };
  const projectTag = (name: string) => `${name}@${version}`;
  const releaseFiles = (names: string[]) => names.map((n) => assets.get(n)).filter((a): a is ReleaseFile => a !== undefined);
  const releaseMissing = (tag: string, files: ReleaseFile[]) => {
    const existing = ownValue(target.releases, tag);
    if (!existing || existing.draft) return true;
    // A verification record is the verdict on the release that holds it, not part of its content:
    // validating the stable release replaces the one copied from the RC.
    const content = <T extends { name: string }>(list: T[]) => list.filter((f) => f.name !== VERIFICATION_FILE);
    const [held, wanted] = [content(existing.assets), content(files)];
    const same = held.length === wanted.length && wanted.every((f) => held.some((e) => e.name === f.name && e.sha256 === f.sha256));
    if (!same) refuse(`the release ${tag} already exists with other files`, 'a published version is immutable: promote a new RC to a higher version');
    return false;
  };

  const actions: PromotionAction[] = [];
  const signing = options.signing ?? DEFAULT_TAG_SIGNING_POLICY;
  if (tagAt(stableTag, commit)) actions.push({ kind: 'create-tag', tag: stableTag, commit, signatureRequired: isSignatureRequired(stableTag, signing) });
  if (project === undefined) {
    for (const p of rc.projects) {
      if (tagAt(projectTag(p.name), releaseCommit)) actions.push({ kind: 'create-tag', tag: projectTag(p.name), commit: releaseCommit, signatureRequired: isSignatureRequired(projectTag(p.name), signing) });
    }
  }
  const entries: Array<{ section: RegistrySection; name: string; entry: RegistryEntry }> = [];
  for (const p of rc.projects) {
    if (project !== undefined && p.name !== project) refuse(`${rcTag} lists the project ${p.name}`, `a project RC releases only ${project}`);
    const stable = stableEntry(p, { rcTag, stableTag: projectTag(p.name), version, sums: sums?.files, assetUrl: target.assetUrl }, refuse);
    const existing = ownValue(target.registry[p.section], p.name);
    const published = ownValue(existing, version);
    if (published && published.checksum !== stable?.checksum) refuse(`${p.name}@${version} is already in the registry with checksum ${published.checksum}`, 'a published version is immutable: promote a new RC to a higher version');
    if (!published && stable) entries.push({ section: p.section, name: p.name, entry: stable });
    for (const file of p.files) if (!assets.has(file)) refuse(`${rcTag} lacks ${file} of ${p.name}`, 'the RC release was altered: release and validate a new RC');
  }

  if (project === undefined) {
    for (const p of rc.projects) {
      const files = releaseFiles(p.files);
      if (releaseMissing(projectTag(p.name), files)) actions.push({ kind: 'publish-release', tag: projectTag(p.name), commit: releaseCommit, from: rcTag, assets: files, makeLatest: false });
    }
  }
  if (releaseMissing(stableTag, rc.assets)) {
    // A project RC of an image-only payload has no registry entry: its image's versions are its stream.
    const image = rc.images[0];
    const stream = project === undefined ? target.umbrella
      : rc.projects[0] || !image ? registryStream(target.registry, rc.projects[0])
        : imageStream(target.images[image.repository] ?? {}, target.registry, image.project);
    actions.push({ kind: 'publish-release', tag: stableTag, commit, from: rcTag, assets: rc.assets, makeLatest: decideLatest({ version, ...stream }).latest });
  }
  for (const image of rc.images) {
    if (image.digest === undefined) continue;
    const current = target.images[image.repository] ?? {};
    const existing = ownValue(current, version);
    if (existing !== undefined && existing !== image.digest) refuse(`${image.repository}:${version} already exists with digest ${existing}`, 'a published version is immutable: promote a new RC to a higher version');
    const stream = imageStream(current, target.registry, image.project);
    for (const tag of [version, ...decideLatest({ version, ...stream }).movingTags]) {
      const from = ownValue(current, tag);
      if (from !== image.digest) actions.push({ kind: 'point-image-tag', repository: image.repository, tag, digest: image.digest, ...(from !== undefined && { from }) });
    }
  }
  for (const e of entries) actions.push({ kind: 'add-registry-entry', ...e });

  return problems.length > 0 ? { kind: 'refused', rcTag, stableTag, problems } : { kind: 'planned', rcTag, stableTag, version, actions };
}

/**
 * Pure: `vX.Y.Z-pre` or `<name>@X.Y.Z-pre` → the project (umbrella: undefined) and the stable `X.Y.Z`.
 * @throws UserError (exit code 2) for a tag that is no prerelease tag.
 */
export function parseRcTag(tag: string): { project?: string; version: string } {
  const at = tag.lastIndexOf('@');
  const project = at > 0 ? tag.slice(0, at) : undefined;
  if (project === undefined && !tag.startsWith('v')) {
    throw new UserError(`"${tag}" is not a release candidate tag`, { hint: 'promote vX.Y.Z-rc.N or <name>@X.Y.Z-rc.N', exitCode: 2 });
  }
  const raw = project === undefined ? tag.slice(1) : tag.slice(at + 1);
  const v = parseSemver(raw);
  if (!v) throw new UserError(`"${tag}": version "${raw}" ${describeSemverProblem(raw)}`, { hint: 'promote vX.Y.Z-rc.N or <name>@X.Y.Z-rc.N', exitCode: 2 });
  if (isStable(v)) throw new UserError(`${tag} is already a stable version`, { hint: 'promote a prerelease tag such as v1.4.0-rc.2', exitCode: 2 });
  return { project, version: `${v.major}.${v.minor}.${v.patch}` };
}

/** The stable registry entry: the RC's, with every URL of an RC file pointed at that file in the stable release. */
function stableEntry(
  p: RcProject,
  at: { rcTag: string; stableTag: string; version: string; sums: Record<string, string> | undefined; assetUrl: (tag: string, file: string) => string },
  refuse: (m: string, f: string) => void,
): RegistryEntry | undefined {
  if (p.entry.version !== at.version) {
    refuse(`the RC's registry entry of ${p.name} is version ${p.entry.version}, not ${at.version}`, 'an RC of X.Y.Z releases every project as X.Y.Z: release a new RC');
    return undefined;
  }
  const moves = new Map(p.files.map((f) => [at.assetUrl(at.rcTag, f), { file: f, url: at.assetUrl(at.stableTag, f) }]));
  const file = moves.get(p.entry.download_url)?.file;
  if (file === undefined) {
    refuse(`the RC's registry entry of ${p.name} does not download one of its files from the ${at.rcTag} release (${p.entry.download_url})`, 'release a new RC: its registry file must point at its own assets');
    return undefined;
  }
  const listed = ownValue(at.sums, file);
  if (listed !== undefined && p.entry.checksum !== `sha256:${listed}`) {
    refuse(`the RC's registry entry of ${p.name} has checksum ${p.entry.checksum}, but SHA256SUMS lists ${file} as ${listed}`, 'the RC registry file and its assets disagree: release and validate a new RC');
    return undefined;
  }
  return repointUrls(p.entry, moves) as RegistryEntry;
}

/** Replaces every string equal to an RC file URL (download_url, sbom_url, prebuilt artifacts …) by its stable URL. */
function repointUrls(value: unknown, moves: Map<string, { url: string }>): unknown {
  if (typeof value === 'string') return moves.get(value)?.url ?? value;
  if (Array.isArray(value)) return value.map((v) => repointUrls(v, moves));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, repointUrls(v, moves)]));
  return value;
}

/** A project's published and deprecated versions, from the registry. */
function registryStream(registry: Registry, p: RcProject | undefined): { published: string[]; deprecated: string[] } {
  const versions = p ? ownValue(registry[p.section], p.name) ?? {} : {};
  return { published: Object.keys(versions), deprecated: Object.keys(versions).filter((v) => isDeprecated(versions[v])) };
}

/** An image's stable versions (its `X.Y.Z` tags) and those its payload's registry entries deprecate. */
function imageStream(tags: Record<string, string>, registry: Registry, project: string): { published: string[]; deprecated: string[] } {
  const versions = ownValue(registry.payloads, project) ?? {};
  return { published: Object.keys(tags), deprecated: Object.keys(versions).filter((v) => isDeprecated(versions[v])) };
}
