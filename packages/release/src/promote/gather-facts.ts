import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRegistry, REGISTRY_FILE, type Registry, type RegistryEntry, type RegistrySection } from '@runway/registry';
import { isStable, parseSemver, VERIFICATION_FILE, type PromotionFacts, type PromotionProblem, type RcProject, type VerificationRecord } from '@runway/release-policy';
import { parseSha256Sums, SUMS_NAMESPACE, TRUST_FILES, verifySshsig, type PublicKey } from '@runway/trust';
import type { LocalAsset } from '../release-context';
import type { TargetAdapter } from '../targets/target-adapter';
import { parseUmbrella, UMBRELLA_FILE } from '../umbrella/umbrella-document';
import type { ReleaseStore } from './release-store';
import { gatherImageFacts, type ImageRegistries } from './rc-images';

/** The facts of a promotion, the RC's files on local disk, and problems found outside the planner's checks. */
export interface GatheredFacts {
  facts: PromotionFacts;
  /** Every RC asset as downloaded now (path in the run's scratch directory, sha256 of those bytes). */
  files: Map<string, LocalAsset>;
  problems: PromotionProblem[];
}

/**
 * Gathers everything `planPromotion` decides from, read-only: the RC tag's commit, the RC release and
 * every asset (downloaded and hashed), its `SHA256SUMS` checked against `pinnedKeys`, the verification
 * record, the RC registry's entries (URLs in the target's form), the release commit from
 * `umbrella.json`, the payload images' RC digests, and on the stable side the tags, the releases of
 * the stable tags, the main registry and the image tags. Problems the planner cannot see (no key to check with, unreadable files) are returned too.
 */
export async function gatherPromotionFacts(input: {
  rcTag: string;
  version: string;
  store: ReleaseStore;
  target: TargetAdapter;
  pinnedKeys: readonly PublicKey[];
  workDir: string;
  workspaceRoot: string;
  /** The image registries; without them the RC's images are not looked at. */
  registries?: ImageRegistries;
}): Promise<GatheredFacts> {
  const { rcTag, version, store, target, pinnedKeys, workDir } = input;
  const problems: PromotionProblem[] = [];
  const tags = await store.tags();
  const release = await store.release(rcTag);
  const files = new Map<string, LocalAsset>();
  for (const name of release?.assets ?? []) {
    const bytes = await store.download(rcTag, name);
    const path = join(workDir, `rc-${files.size}`);
    await writeFile(path, bytes);
    files.set(name, { name, path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  }
  // The RC's documents as downloaded and hashed above: what is checked is what is read.
  const text = async (name: string) => {
    const file = files.get(name);
    return file && (await readFile(file.path)).toString('utf8');
  };

  let checksums: PromotionFacts['rc']['checksums'];
  const sums = await text(TRUST_FILES.sums);
  if (sums !== undefined) {
    const signature = await text(TRUST_FILES.sumsSignature);
    if (pinnedKeys.length === 0) problems.push({ message: `no public key to check ${rcTag}'s SHA256SUMS.sig with`, fix: 'set RUNWAY_SIGNING_KEY (its public key is used) or pass --key <public key or file>' });
    const verified = signature !== undefined && pinnedKeys.length > 0
      && verifySshsig({ message: Buffer.from(sums), signature, pinnedKeys: [...pinnedKeys], namespace: SUMS_NAMESPACE }).ok;
    checksums = { signatureVerified: verified, files: Object.fromEntries(parseSha256Sums(sums, `${rcTag}/SHA256SUMS`).map((s) => [s.name, s.sha256])) };
  }

  const umbrellaText = await text(UMBRELLA_FILE);
  const umbrella = umbrellaText === undefined ? undefined : parseUmbrella(umbrellaText);
  if (release && !umbrella) problems.push({ message: `${rcTag} has no ${UMBRELLA_FILE}`, fix: 'only an RC released by Runway (vX.Y.Z-rc.N through the release workflow) can be promoted' });

  const projects = rcProjects(await text(REGISTRY_FILE), { rcTag, version, files, target, problems });
  const stable = [`v${version}`, ...projects.map((p) => `${p.name}@${version}`)];
  const releases: PromotionFacts['target']['releases'] = {};
  for (const tag of stable) {
    const held = await store.release(tag);
    if (!held) continue;
    // A project's stable release holds its RC files plus trust files made for it; only the former must match.
    const names = tag.startsWith('v') ? held.assets : held.assets.filter((n) => !(Object.values(TRUST_FILES) as string[]).includes(n));
    const assets = await Promise.all(names.map(async (name) => ({ name, sha256: createHash('sha256').update(await store.download(tag, name)).digest('hex') })));
    releases[tag] = { draft: held.draft, assets };
  }

  const images = input.registries && umbrella
    ? await gatherImageFacts({ registries: input.registries, projects, rcTag, workspaceRoot: input.workspaceRoot, releaseCommit: umbrella.release_commit })
    : { images: [], published: {} };

  const facts: PromotionFacts = {
    rcTag,
    rc: {
      commit: tags[rcTag],
      releaseCommit: umbrella?.release_commit,
      release: release && { draft: release.draft },
      checksums,
      assets: [...files.values()].map(({ name, sha256, size }) => ({ name, sha256, size })),
      verification: verificationRecord(await text(VERIFICATION_FILE), rcTag, problems),
      projects,
      images: images.images,
    },
    target: {
      tags,
      releases,
      registry: (await target.readRegistry()).registry,
      images: images.published,
      umbrella: { published: Object.keys(tags).filter((t) => /^v\d/.test(t) && isStableVersion(t.slice(1))).map((t) => t.slice(1)), deprecated: [] },
      assetUrl: (tag, file) => target.downloadUrl(tag, file),
    },
  };
  return { facts, files, problems };
}

function isStableVersion(text: string): boolean {
  const v = parseSemver(text);
  return v !== undefined && isStable(v);
}

/**
 * The RC registry's entries as `RcProject`s: each entry's URLs in the target's form (an RC registry
 * in a directory names its files relative to itself) and the project's files among the assets (every
 * file an URL names, and its `.sha256`).
 */
function rcProjects(text: string | undefined, at: { rcTag: string; version: string; files: Map<string, LocalAsset>; target: TargetAdapter; problems: PromotionProblem[] }): RcProject[] {
  if (text === undefined) return [];
  const { registry, problems } = parseRegistry(text, `${at.rcTag}/${REGISTRY_FILE}`);
  if (problems.length > 0) {
    at.problems.push({ message: `${at.rcTag}'s ${REGISTRY_FILE} is not a valid registry: ${problems.map((p) => p.message).join('; ')}`, fix: 'release and validate a new RC' });
    return [];
  }
  const fileOf = new Map([...at.files.keys()].map((name) => [at.target.downloadUrl(at.rcTag, name), name]));
  const projects: RcProject[] = [];
  for (const section of ['runtimes', 'payloads'] as const satisfies readonly RegistrySection[]) {
    for (const [name, versions] of Object.entries((registry as Registry)[section] ?? {})) {
      for (const entry of Object.values(versions)) {
        const rebased = rebaseUrls(entry, (url) => (at.files.has(url) ? at.target.downloadUrl(at.rcTag, url) : url)) as RegistryEntry;
        const named = urlsOf(rebased).map((url) => fileOf.get(url)).filter((f): f is string => f !== undefined);
        const files = [...new Set(named.flatMap((f) => (at.files.has(`${f}.sha256`) ? [f, `${f}.sha256`] : [f])))];
        projects.push({ section, name, entry: rebased, files });
      }
    }
  }
  return projects;
}

/** Replaces every `*_url` string of an entry (prebuilt artifacts too) through `map`. */
function rebaseUrls(value: unknown, map: (url: string) => string, key = ''): unknown {
  if (typeof value === 'string') return key.endsWith('_url') ? map(value) : value;
  if (Array.isArray(value)) return value.map((v) => rebaseUrls(v, map));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebaseUrls(v, map, k)]));
  return value;
}

function urlsOf(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return key.endsWith('_url') ? [value] : [];
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => urlsOf(v, k));
  return [];
}

/** The verification record of the RC, or undefined (with a problem) when it is unreadable. */
function verificationRecord(text: string | undefined, rcTag: string, problems: PromotionProblem[]): VerificationRecord | undefined {
  if (text === undefined) return undefined;
  let record: Partial<VerificationRecord>;
  try {
    record = JSON.parse(text);
  } catch {
    record = {};
  }
  if (typeof record?.tag !== 'string' || typeof record.commit !== 'string' || typeof record.passed !== 'boolean' || typeof record.images !== 'object' || record.images === null) {
    problems.push({ message: `${rcTag}'s ${VERIFICATION_FILE} is not a verification record`, fix: `run "runway release validate ${rcTag}" again` });
    return undefined;
  }
  return record as VerificationRecord;
}
