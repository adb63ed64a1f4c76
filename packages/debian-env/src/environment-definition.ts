import { UserError } from '@runway/errors';
import { prebuiltPlatforms, type Manifest } from '@runway/manifest';
import { isDebianPlatform, type DebianPlatform } from './platforms';
import type { EnvironmentDefinition } from './types';

/**
 * Pure: the environment definition of a validated runtime manifest. Throws a `UserError` when the
 * manifest has no `debian:` section, so callers can ask before building (see {@link hasEnvironment}).
 */
export function definitionFromManifest(manifest: Manifest, file = `runtimes/${manifest.name}/manifest.yaml`): EnvironmentDefinition {
  const { debian } = manifest;
  if (!debian) {
    throw new UserError(`${file} has no "debian:" section, so ${manifest.name} has no prebuilt environment`, {
      hint: 'add e.g.\n  debian:\n    suite: bookworm\n    packages: [python3.11]\nand debian-amd64 to platforms',
    });
  }
  const platforms = prebuiltPlatforms(manifest).filter((p): p is DebianPlatform => isDebianPlatform(p));
  return {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    platforms,
    suite: debian.suite,
    packages: [...debian.packages],
    environment: { ...debian.environment },
    mounts: debian.mounts.map((m) => ({ ...m })),
    ...(manifest.smoke && { smoke: [...manifest.smoke] }),
  };
}

/** Pure: whether the manifest describes a prebuilt environment for at least one platform. */
export function hasEnvironment(manifest: Manifest): boolean {
  return prebuiltPlatforms(manifest).some(isDebianPlatform);
}
