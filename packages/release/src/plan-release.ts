import { UserError } from '@runway/errors';
import type { Manifest, ProjectKind } from '@runway/manifest';
import { addEntry, serializeRegistry, type PrebuiltArtifact, type RegistryEntry, type RegistrySection } from '@runway/registry';
import type { TargetState } from './targets/target-adapter';
import type { ReleaseAsset } from './types';
import { unifiedDiff } from './unified-diff';

/** Everything `planRelease` decides from; plain data only. */
export interface PlanInput {
  /** `kind` picks the registry section: runtimes, or payloads (listed apart from runtimes). */
  manifest: Pick<Manifest, 'kind' | 'name' | 'version' | 'description' | 'platforms'>;
  projectRoot: string;
  tag: string;
  target: 'directory' | 'github';
  /** Package first, then its `.sha256` and its SBOM. */
  assets: ReleaseAsset[];
  state: TargetState;
  /** `download_url` of the package, as the target builds it. */
  downloadUrl: string;
  /** `sbom_url` of the package's SBOM asset (left out of the entry when undefined). */
  sbomUrl?: string;
  /** The prebuilt environments built now, by platform, with the URLs the target gives them (left out when none). */
  prebuilt?: Record<string, PrebuiltArtifact>;
  /** The calls or writes the target would make, from `TargetAdapter.describeActions`. */
  actions: string[];
  /** The commit the package was built from. */
  commit: string;
  now: Date;
}

/** The exact plan of one release, printed by `--dry-run` and logged before a real run. */
export interface ReleasePlan {
  version: 1;
  project: string;
  tag: string;
  target: 'directory' | 'github';
  /** Where the entry goes in registry.json. */
  section: RegistrySection;
  /** `release` when anything is left to do; `already-released` when every part is in place. */
  status: 'release' | 'already-released';
  /** The commit the package was built from. */
  commit: string;
  files: ReleaseAsset[];
  /** The entry the registry holds after this release (the existing one when already there). */
  entry: RegistryEntry;
  /** Unified diff of registry.json before/after ('' when unchanged). */
  registryDiff: string;
  actions: string[];
}

/** Pure: the registry section a project kind is listed in. */
export function registrySectionFor(kind: ProjectKind): RegistrySection {
  return kind === 'runtime' ? 'runtimes' : 'payloads';
}

/**
 * Pure: decides what releasing `manifest` into a target in `state` means. Refuses (UserError) when
 * the version is already published with other content: versions are immutable.
 */
export function planRelease(input: PlanInput): ReleasePlan {
  const { manifest, tag, assets, state, now } = input;
  const pkg = assets[0];
  const checksum = `sha256:${pkg.sha256}`;
  const section = registrySectionFor(manifest.kind);
  const existing = state.registry[section]?.[manifest.name]?.[manifest.version];
  if (existing && existing.checksum !== checksum) {
    throw immutableVersion(input, `registry ${state.registryLocation} has ${existing.checksum}, the package built now is ${checksum}`);
  }
  for (const [platform, artifact] of Object.entries(input.prebuilt ?? {})) {
    const held = existing?.prebuilt && Object.hasOwn(existing.prebuilt, platform) ? existing.prebuilt[platform] : undefined;
    if (held && held.checksum !== artifact.checksum) {
      throw immutableVersion(input, `registry ${state.registryLocation} has a ${platform} environment of ${held.checksum}, the one built now is ${artifact.checksum}`);
    }
  }
  // A published release's assets are as immutable as its registry entry (drafts are not read).
  for (const asset of assets) {
    const held = state.assets.find((a) => a.name === asset.name);
    if (held && !sameAsset(held, asset)) {
      throw immutableVersion(input, `${asset.name} is already published with ${held.sha256 ? `sha256:${held.sha256}` : `${held.size} bytes`}, the one built now has sha256:${asset.sha256} (${asset.size} bytes)`);
    }
  }

  const entry: RegistryEntry = existing ?? {
    version: manifest.version,
    description: manifest.description,
    download_url: input.downloadUrl,
    checksum,
    size: pkg.size,
    platforms: [...manifest.platforms],
    published_at: now.toISOString(),
    ...(input.sbomUrl !== undefined && { sbom_url: input.sbomUrl }),
    ...(input.prebuilt && Object.keys(input.prebuilt).length > 0 && { prebuilt: input.prebuilt }),
  };
  // An existing entry means no registry change: skip serialising it (a bulk re-run plans hundreds).
  const registryDiff = existing ? '' : unifiedDiff(
    serializeRegistry(state.registry),
    serializeRegistry(addEntry(state.registry, manifest.name, entry, now, section).registry),
    { from: 'registry.json (published)', to: 'registry.json (after release)' },
  );
  const complete = existing !== undefined && state.published
    && assets.every((asset) => state.assets.some((held) => held.name === asset.name && sameAsset(held, asset)));
  return {
    version: 1,
    project: manifest.name,
    tag,
    target: input.target,
    section,
    status: complete ? 'already-released' : 'release',
    commit: input.commit,
    files: assets.map(({ name, sha256, size }) => ({ name, sha256, size })),
    entry,
    registryDiff,
    actions: complete ? [] : input.actions,
  };
}

/** Pure: does the stored asset hold the same bytes? Size always, sha256 when the target knows it. */
export function sameAsset(held: { size: number; sha256?: string }, local: ReleaseAsset): boolean {
  return held.size === local.size && (held.sha256 === undefined || held.sha256 === local.sha256);
}

function immutableVersion(input: PlanInput, detail: string): UserError {
  const { name, version } = input.manifest;
  return new UserError(`${name}@${version} is already released with different content: ${detail}`, {
    hint: `published versions are immutable: bump "version" in ${input.projectRoot}/manifest.yaml (e.g. to the next patch) and release again`,
  });
}

/** Pure: the plan as text for a terminal (`--dry-run`). */
export function formatPlan(plan: ReleasePlan): string {
  const lines = [
    `release ${plan.tag} → ${plan.target}${plan.status === 'already-released' ? ' (already released, nothing to do)' : ''}`,
    `commit: ${plan.commit}`,
    'files:',
    ...plan.files.map((f) => `  ${f.name}  ${f.size} bytes  sha256:${f.sha256}`),
  ];
  if (plan.actions.length) lines.push('actions:', ...plan.actions.map((a, i) => `  ${i + 1}. ${a}`));
  lines.push(plan.registryDiff ? `registry diff:\n${plan.registryDiff.trimEnd()}` : 'registry diff: (none)');
  return lines.join('\n');
}
