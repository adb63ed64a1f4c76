import { UserError } from '@runway/errors';
import { describeVersions, versionsOf } from './edit-registry';
import type { Registry, RegistryEntry } from './types';
import { latestVersion } from './versions';

/**
 * Picks the entry to install. `latest` is the highest stable, non-deprecated version supporting
 * `opts.platform` (all platforms when omitted); any other spec is an exact version, which may be a
 * deprecated one (the caller decides whether to warn).
 *
 * @throws UserError listing the available versions when nothing matches.
 */
export function resolveVersion(registry: Registry, name: string, spec: string, opts: { platform?: string }): RegistryEntry & { name: string } {
  const versions = versionsOf(registry, name);
  const { platform } = opts;
  if (spec === 'latest') {
    const version = latestVersion(versions, platform);
    if (version) return { ...versions[version], name };
    throw new UserError(`${name} has no stable, non-deprecated version${platform ? ` for ${platform}` : ''}`, {
      hint: `pick one explicitly with ${name}@<version>; available versions: ${describeVersions(versions)}`,
    });
  }
  const entry = versions[spec];
  if (!entry) {
    throw new UserError(`${name}@${spec} is not in the registry`, { hint: `available versions: ${describeVersions(versions)}` });
  }
  if (platform && !entry.platforms.includes(platform)) {
    throw new UserError(`${name}@${spec} does not support ${platform} (it supports ${entry.platforms.join(', ') || 'no platform'})`, {
      hint: 'pass --platform <os-arch> to install it for another platform anyway',
    });
  }
  return { ...entry, name };
}
