import { UserError } from '@runway/errors';
import { describeVersions, versionsOf } from './edit-registry';
import { ownValue } from './own-value';
import { showKey } from './show-key';
import type { Registry, RegistryEntry } from './types';
import { latestVersion, sortVersions } from './versions';

/** `ubuntu-amd64 (1.0.0, 1.1.0), ubuntu-arm64 (1.1.0)`: every platform listed, with its versions. */
function describePlatforms(versions: Record<string, RegistryEntry>): { text: string; platforms: string[] } {
  const byPlatform = new Map<string, string[]>();
  for (const version of sortVersions(Object.keys(versions))) {
    for (const platform of versions[version].platforms) byPlatform.set(platform, [...(byPlatform.get(platform) ?? []), version]);
  }
  const platforms = [...byPlatform.keys()].sort();
  return { platforms, text: platforms.map((p) => `${p} (${byPlatform.get(p)!.join(', ')})`).join(', ') };
}

/**
 * Picks the entry to install. `latest` is the highest stable, non-deprecated version supporting
 * `opts.platform` (all platforms when omitted); any other spec is an exact version, which may be a
 * deprecated one (the caller decides whether to warn).
 *
 * @throws UserError when nothing matches, saying what exists: the versions, or, when no version
 *   supports the platform at all, the platforms that do exist with their versions and the
 *   `--platform` that installs one anyway (an exact version would fail the same way).
 */
export function resolveVersion(registry: Registry, name: string, spec: string, opts: { platform?: string }): RegistryEntry & { name: string } {
  const versions = versionsOf(registry, name);
  const { platform } = opts;
  if (spec === 'latest') {
    const version = latestVersion(versions, platform);
    if (version) return { ...versions[version], name };
    const forPlatform = Object.fromEntries(Object.entries(versions).filter(([, e]) => platform === undefined || e.platforms.includes(platform)));
    if (platform !== undefined && Object.keys(forPlatform).length === 0) {
      const { text, platforms } = describePlatforms(versions);
      throw new UserError(`${name} has no version for ${showKey(platform)}; its versions support ${text || 'no platform'}`, {
        hint: platforms.length > 0 ? `to install it anyway, name a supported platform: --platform ${platforms[0]}` : 'ask the registry maintainer to list its platforms',
      });
    }
    throw new UserError(`${name} has no stable, non-deprecated version${platform ? ` for ${showKey(platform)}` : ''}`, {
      hint: `pick one explicitly with ${name}@<version>; ${platform ? `versions for ${showKey(platform)}` : 'available versions'}: ${describeVersions(forPlatform)}`,
    });
  }
  const entry = ownValue(versions, spec);
  if (!entry) {
    throw new UserError(`${name}@${showKey(spec)} is not in the registry`, { hint: `available versions: ${describeVersions(versions)}` });
  }
  if (platform && !entry.platforms.includes(platform)) {
    throw new UserError(`${name}@${spec} does not support ${showKey(platform)} (it supports ${entry.platforms.join(', ') || 'no platform'})`, {
      hint: entry.platforms.length > 0 ? `to install it anyway, name a supported platform: --platform ${entry.platforms[0]}` : 'ask the registry maintainer to list its platforms',
    });
  }
  return { ...entry, name };
}
