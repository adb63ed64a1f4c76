import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { describeVersions, latestVersion, ownValue, shortList, sortVersions, type RegistryEntry } from '@runway/registry';

/**
 * What an install unpacks: the platform's prebuilt environment (`runtime.yml` + `isolated/`, ready
 * to run, nothing executed), or the source package (scripts, set up on the host with `--setup`).
 */
export type ArtifactKind = 'prebuilt' | 'source';

/** The file to download for one version on one platform. */
export interface ChosenArtifact {
  kind: ArtifactKind;
  /** The platform it was chosen for (a prebuilt artifact is built for exactly this one). */
  platform: string;
  /** As listed: absolute, or relative to the registry file. */
  download_url: string;
  checksum: string;
  size: number;
}

/** The version and artifact `install` takes. */
export interface InstallChoice {
  entry: RegistryEntry & { name: string };
  artifact: ChosenArtifact;
}

export interface ChoiceOptions {
  /** Platforms this machine can use, best first (`hostPlatforms()`), or the one `--platform` names. */
  platforms: readonly string[];
  /** `--source`: only the source package, even where a prebuilt environment exists. */
  sourceOnly?: boolean;
}

const show = (text: string) => escapeText(text, 80);
const CHECKSUM = /^sha256:[0-9a-f]{64}$/;

/**
 * Pure: the prebuilt artifact an entry lists for `platform`, or undefined. A listed artifact that
 * is malformed (hostile or broken registry) is refused rather than skipped: silently falling back
 * to the source package would hide a broken release.
 */
export function prebuiltFor(entry: RegistryEntry, name: string, platform: string): ChosenArtifact | undefined {
  const listed = entry.prebuilt;
  if (listed === undefined || listed === null || typeof listed !== 'object') return undefined;
  const a = ownValue(listed as Record<string, unknown>, platform) as Record<string, unknown> | undefined;
  if (a === undefined) return undefined;
  if (typeof a !== 'object' || a === null || typeof a.download_url !== 'string' || a.download_url === ''
    || typeof a.checksum !== 'string' || !CHECKSUM.test(a.checksum) || !Number.isSafeInteger(a.size) || (a.size as number) < 0) {
    throw new UserError(`${show(name)}@${show(entry.version)} lists a malformed prebuilt artifact for ${show(platform)} (it needs download_url, checksum sha256:<hex> and size)`, {
      hint: `install the source package with --source, or ask the registry maintainer to fix the entry`,
    });
  }
  return { kind: 'prebuilt', platform, download_url: a.download_url, checksum: a.checksum, size: a.size as number };
}

/** Pure: the platforms an entry has a prebuilt environment for, sorted. */
export function prebuiltPlatforms(entry: RegistryEntry): string[] {
  const listed = entry.prebuilt;
  return listed !== null && typeof listed === 'object' ? Object.keys(listed).sort() : [];
}

/**
 * Pure: what this machine installs of one version. Platforms are tried best first; for each, its
 * prebuilt environment wins over the source package (no setup, no root), and the source package
 * counts when the entry lists the platform. So a Debian host takes `debian-amd64`'s prebuilt
 * environment, and an Ubuntu host (`ubuntu-amd64`, then `debian-amd64` from `ID_LIKE`) keeps its
 * own source package with `--setup` when the version lists `ubuntu-amd64`.
 */
export function artifactFor(entry: RegistryEntry, name: string, opts: ChoiceOptions): ChosenArtifact | undefined {
  for (const platform of opts.platforms) {
    const prebuilt = opts.sourceOnly ? undefined : prebuiltFor(entry, name, platform);
    if (prebuilt) return prebuilt;
    if (entry.platforms.includes(platform)) {
      return { kind: 'source', platform, download_url: entry.download_url, checksum: entry.checksum, size: entry.size };
    }
  }
  return undefined;
}

/** `debian-amd64 (prebuilt: 1.0.0), ubuntu-amd64 (1.0.0, 1.1.0)`: what exists, for messages. */
function describeSupport(versions: Record<string, RegistryEntry>, sourceOnly: boolean): { text: string; platforms: string[] } {
  const byPlatform = new Map<string, string[]>();
  const add = (key: string, version: string) => byPlatform.set(key, [...(byPlatform.get(key) ?? []), version]);
  for (const version of sortVersions(Object.keys(versions))) {
    for (const p of versions[version].platforms) add(p, version);
    if (!sourceOnly) for (const p of prebuiltPlatforms(versions[version])) add(`${p} prebuilt`, version);
  }
  const keys = [...byPlatform.keys()].sort();
  const platforms = [...new Set(keys.map((k) => k.replace(/ prebuilt$/, '')))];
  return { platforms, text: keys.map((k) => `${show(k)} (${shortList(byPlatform.get(k)!, true, 5)})`).join(', ') };
}

/**
 * Pure: the version and artifact `install <name>[@<spec>]` takes on a machine with `opts.platforms`.
 * `latest` is the highest stable, non-deprecated version this machine can install (a prebuilt
 * environment for one of its platforms, or a source package listing one), on the first of its
 * platforms that any version supports; an exact spec must be installable too. Every refusal only
 * suggests what would work: versions that install here, or `--platform` / dropping `--source`.
 */
export function chooseInstall(name: string, versions: Record<string, RegistryEntry>, spec: string, opts: ChoiceOptions): InstallChoice {
  const sourceOnly = opts.sourceOnly ?? false;
  const where = opts.platforms.map(show).join(', ') || 'this machine';
  // The hint names only what works: dropping --source, or a platform `of` (one version, or all) supports, `preferred` first.
  const otherwise = (of: Record<string, RegistryEntry> = versions, preferred: string[] = []) => {
    const { text, platforms } = describeSupport(of, sourceOnly);
    const withoutSource = sourceOnly && Object.values(of).some((e) => opts.platforms.some((p) => prebuiltFor(e, name, p)));
    const [first] = [...preferred, ...platforms];
    return {
      text: text || 'no platform',
      hint: withoutSource ? 'drop --source: a prebuilt environment exists for this platform'
        : first !== undefined ? `to install it anyway, name a supported platform: --platform ${show(first)}`
          : 'ask the registry maintainer to list its platforms',
    };
  };
  if (spec !== 'latest') {
    const entry = ownValue(versions, spec);
    if (!entry) throw new UserError(`${show(name)}@${show(spec)} is not in the registry`, { hint: `available versions: ${describeVersions(versions)}` });
    const artifact = artifactFor(entry, name, opts);
    if (artifact) return { entry: { ...entry, name }, artifact };
    const prebuilt = prebuiltPlatforms(entry);
    const { hint } = otherwise({ [spec]: entry }, entry.platforms);
    throw new UserError(`${show(name)}@${show(spec)} cannot be installed on ${where}${sourceOnly ? ' from source' : ''}: its source package supports ${entry.platforms.map(show).join(', ') || 'no platform'}${prebuilt.length > 0 && !sourceOnly ? `; prebuilt environments exist for ${prebuilt.map(show).join(', ')}` : ''}`, { hint });
  }
  // The first platform any version installs on, as `hostPlatforms()` orders them (ID before ID_LIKE).
  const platform = opts.platforms.find((p) => Object.values(versions).some((e) => artifactFor(e, name, { ...opts, platforms: [p] })));
  if (platform === undefined) {
    const { text, hint } = otherwise();
    throw new UserError(`${show(name)} has no version for ${where}${sourceOnly ? ' as a source package' : ''}; its versions support ${text}`, { hint });
  }
  const here = { ...opts, platforms: [platform] };
  const installable = Object.fromEntries(Object.entries(versions).filter(([, e]) => artifactFor(e, name, here)));
  const version = latestVersion(installable);
  if (version === undefined) {
    // Only prereleases or deprecated versions install here: name exactly those, each of which installs.
    throw new UserError(`${show(name)} has no stable, non-deprecated version for ${show(platform)}`, {
      hint: `pick one explicitly with ${show(name)}@<version>; versions that install on ${show(platform)}: ${describeVersions(installable)}`,
    });
  }
  const entry = installable[version];
  return { entry: { ...entry, name }, artifact: artifactFor(entry, name, here)! };
}
