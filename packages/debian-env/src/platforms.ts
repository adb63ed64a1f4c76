/** Debian architectures a prebuilt environment can target, by platform name. */
export const DEBIAN_PLATFORM_ARCHES = { 'debian-amd64': 'amd64', 'debian-arm64': 'arm64' } as const;

export type DebianPlatform = keyof typeof DEBIAN_PLATFORM_ARCHES;
export type DebianArch = (typeof DEBIAN_PLATFORM_ARCHES)[DebianPlatform];

/** GNU names of the architectures, as binfmt_misc (`qemu-aarch64`) and `uname -m` spell them. */
const GNU_NAMES: Record<DebianArch, string> = { amd64: 'x86_64', arm64: 'aarch64' };

/** Pure: whether `platform` is one a Debian environment can be built for. */
export function isDebianPlatform(platform: string): platform is DebianPlatform {
  return Object.prototype.hasOwnProperty.call(DEBIAN_PLATFORM_ARCHES, platform);
}

/** Pure: the Debian architecture of a platform (`debian-arm64` → `arm64`). */
export function debianArchOf(platform: DebianPlatform): DebianArch {
  return DEBIAN_PLATFORM_ARCHES[platform];
}

/** Pure: the Debian architecture of Node's `process.arch`, or `undefined` for one we do not build. */
export function debianArchOfNode(nodeArch: string): DebianArch | undefined {
  return ({ x64: 'amd64', arm64: 'arm64' } as Record<string, DebianArch>)[nodeArch];
}

/** Pure: the binfmt_misc entry that lets this machine run `arch` binaries (`qemu-aarch64`). */
export function binfmtEntryFor(arch: DebianArch): string {
  return `qemu-${GNU_NAMES[arch]}`;
}

/** What the machine offers for building: its own architecture and the ones binfmt_misc emulates. */
export interface BuildHostFacts {
  /** Debian architecture of this machine, if it is one we build. */
  nativeArch?: DebianArch;
  /** Architectures whose binaries run here through an enabled binfmt_misc handler (qemu-user). */
  emulatedArches: DebianArch[];
}

/** One platform and whether this machine can build it (with the reason when it cannot). */
export interface PlatformSupport {
  platform: DebianPlatform;
  buildable: boolean;
  /** Why it is or is not buildable here, for logs and errors. */
  reason: string;
}

/**
 * Pure: which Debian platforms this machine can build. Building runs the packages' maintainer
 * scripts (alternatives, ldconfig, byte-compiling), so it needs to execute the target's binaries:
 * natively, or through binfmt_misc + qemu-user. Resolving a lock needs neither (nothing is run).
 */
export function platformSupport(facts: BuildHostFacts): PlatformSupport[] {
  return (Object.keys(DEBIAN_PLATFORM_ARCHES) as DebianPlatform[]).map((platform) => {
    const arch = debianArchOf(platform);
    if (arch === facts.nativeArch) return { platform, buildable: true, reason: `this machine is ${arch}` };
    if (facts.emulatedArches.includes(arch)) return { platform, buildable: true, reason: `${arch} binaries run here through binfmt_misc (${binfmtEntryFor(arch)})` };
    return {
      platform, buildable: false,
      reason: `${platform} needs an ${arch} machine, or binfmt_misc with qemu-user for ${arch} (apt-get install qemu-user-static binfmt-support); this machine is ${facts.nativeArch ?? 'not amd64 or arm64'}`,
    };
  });
}
