import type { CycloneDxComponent } from '@runway/sbom';
import type { DebianLock, LockedPackage } from './types';

/**
 * Pure: the package URL of a Debian binary package, `pkg:deb/debian/<name>@<version>?arch=<arch>`.
 * Name and version are percent-encoded as the purl spec asks (`libstdc++6` → `libstdc%2B%2B6`,
 * `1:1.24.2-1+deb12u1` → `1%3A1.24.2-1%2Bdeb12u1`), as `@runway/sbom` does for other purls.
 */
export function debianPurl(pkg: Pick<LockedPackage, 'name' | 'version' | 'architecture'>): string {
  return `pkg:deb/debian/${encodeURIComponent(pkg.name)}@${encodeURIComponent(pkg.version)}?arch=${encodeURIComponent(pkg.architecture)}`;
}

/**
 * Pure: the purls of every package in one platform's environment, in lock order. Throws a
 * `TypeError` when the lock has no such platform (a caller bug: check `lock.platforms` first).
 */
export function lockPurls(lock: DebianLock, platform: string): string[] {
  return packagesOf(lock, platform).map(debianPurl);
}

/**
 * Pure: CycloneDX 1.5 components for an SBOM of a prebuilt environment: one `library` per Debian
 * package with its purl and the sha256 of the `.deb` it was installed from.
 */
export function lockComponents(lock: DebianLock, platform: string): CycloneDxComponent[] {
  return packagesOf(lock, platform).map((pkg): CycloneDxComponent => {
    const purl = debianPurl(pkg);
    return {
      type: 'library', 'bom-ref': purl, group: 'debian', name: pkg.name, version: pkg.version, purl,
      hashes: [{ alg: 'SHA-256', content: pkg.sha256 }],
      properties: [{ name: 'runway:deb-size', value: String(pkg.size) }, { name: 'runway:debian-suite', value: lock.suite }],
    };
  });
}

function packagesOf(lock: DebianLock, platform: string): LockedPackage[] {
  const entry = Object.prototype.hasOwnProperty.call(lock.platforms, platform) ? lock.platforms[platform] : undefined;
  if (!entry) throw new TypeError(`the lock has no ${platform} entry`);
  return entry.packages;
}
