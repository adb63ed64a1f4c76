import { readFile } from 'node:fs/promises';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/** `<os id>-<arch>` (e.g. `debian-amd64`) from /etc/os-release text and `process.arch`. */
export function platformFrom(osRelease: string, arch: string): string {
  const id = /^ID=("?)([^"\n]*)\1$/m.exec(osRelease)?.[2]?.trim().toLowerCase() || 'linux';
  return `${id}-${ARCH[arch] ?? arch}`;
}

/** This machine's platform as registries spell it. */
export async function hostPlatform(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => readFile('/usr/lib/os-release', 'utf8').catch(() => ''));
  return platformFrom(text, process.arch);
}
