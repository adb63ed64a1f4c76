import { readFile } from 'node:fs/promises';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

function field(osRelease: string, key: string): string {
  return new RegExp(`^${key}=("?)([^"\\n]*)\\1$`, 'm').exec(osRelease)?.[2]?.trim().toLowerCase() ?? '';
}

/**
 * Platforms this machine can use, best first, as registries spell them (`<os>-<arch>`): the
 * os-release `ID`, then each `ID_LIKE` (so Linux Mint also matches `ubuntu-amd64`).
 */
export function platformsFrom(osRelease: string, arch: string): string[] {
  const ids = [field(osRelease, 'ID') || 'linux', ...field(osRelease, 'ID_LIKE').split(/\s+/).filter(Boolean)];
  return [...new Set(ids)].map((id) => `${id}-${ARCH[arch] ?? arch}`);
}

/** This machine's platforms, best first (see `platformsFrom`). */
export async function hostPlatforms(): Promise<string[]> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => readFile('/usr/lib/os-release', 'utf8').catch(() => ''));
  return platformsFrom(text, process.arch);
}

/** This machine's own platform, e.g. `debian-amd64`. */
export async function hostPlatform(): Promise<string> {
  return (await hostPlatforms())[0];
}
