import type { AptSource } from './types';

/** Debian's redirector: picks a nearby mirror over HTTP (apt checks signatures, so TLS adds nothing). */
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
export const DEBIAN_SECURITY_MIRROR = 'http://deb.debian.org/debian-security';

/**
 * Pure: the archives a stable suite's environment comes from: the release, its `-updates` and its
 * `-security` archive, main only (what `debian.packages` may name is Debian main, DFSG-free).
 */
export function defaultSources(suite: string): AptSource[] {
  return [
    { uri: DEBIAN_MIRROR, suite, components: ['main'] },
    { uri: DEBIAN_MIRROR, suite: `${suite}-updates`, components: ['main'] },
    { uri: DEBIAN_SECURITY_MIRROR, suite: `${suite}-security`, components: ['main'] },
  ];
}

/** Pure: the one-line `sources.list` form mmdebstrap accepts as a MIRROR argument. */
export function sourceLine(source: AptSource): string {
  return `deb ${source.uri} ${source.suite} ${source.components.join(' ')}`;
}
