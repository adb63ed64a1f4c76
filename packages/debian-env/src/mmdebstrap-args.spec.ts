import { describe, expect, it } from 'vitest';
import { defaultSources } from './apt-sources';
import { mmdebstrapFailure } from './create-rootfs';
import { mmdebstrapBuildArgs, mmdebstrapResolveArgs, isHookChannelFailure, parseReleaseDates, shellQuote, unavailablePackages } from './mmdebstrap-args';

const packages = [
  { name: 'libc6', version: '2.36-9+deb12u14', architecture: 'amd64', sha256: '0'.repeat(64), size: 1 },
  { name: 'bsdutils', version: '1:2.38.1-5+deb12u3', architecture: 'amd64', sha256: '1'.repeat(64), size: 1 },
];
const build = { arch: 'amd64', suite: 'bookworm', sources: defaultSources('bookworm'), packages, debsIn: '/w/in', debsOut: '/w/out', statusFile: "/w/it's.tsv" };

describe('mmdebstrap command lines', () => {
  it('build: exact pins, custom variant, unshare mode, tar to stdout, maintainer scripts run', () => {
    const args = mmdebstrapBuildArgs(build);
    expect(args.slice(0, 5)).toEqual(['--mode=unshare', '--variant=custom', '--format=tar', '--architectures=amd64', '--include=libc6=2.36-9+deb12u14,bsdutils=1:2.38.1-5+deb12u3']);
    expect(args).toContain('--skip=essential/unlink');
    expect(args).toContain('--skip=output/dev');
    expect(args).not.toContain('--variant=extract');
    expect(args).toContain('--setup-hook=sync-in /w/in /var/cache/apt/archives/');
    expect(args).toContain('--customize-hook=sync-out /var/cache/apt/archives /w/out');
    expect(args.find((a) => a.includes('dpkg-query'))).toContain(`> '/w/it'\\''s.tsv'`);
    expect(args.slice(-5)).toEqual([
      'bookworm', '-',
      'deb http://deb.debian.org/debian bookworm main',
      'deb http://deb.debian.org/debian bookworm-updates main',
      'deb http://deb.debian.org/debian-security bookworm-security main',
    ]);
  });

  it('build: removes host-specific and unneeded files in the last hook', () => {
    const lean = mmdebstrapBuildArgs(build).filter((a) => a.startsWith('--customize-hook=')).pop()!;
    for (const path of ['/etc/resolv.conf', '/etc/hostname', '/etc/apt/sources.list', '/usr/share/man', '/usr/share/locale']) expect(lean).toContain(path);
    expect(lean).toContain('! -name copyright');
  });

  it('resolve: essential set plus the request, extract only, any architecture', () => {
    const args = mmdebstrapResolveArgs({ arch: 'arm64', suite: 'bookworm', sources: defaultSources('bookworm'), packages: ['python3.11', 'python3'], debsOut: '/w/debs', releaseFile: '/w/release' });
    expect(args).toEqual(expect.arrayContaining(['--variant=extract', '--format=null', '--architectures=arm64', '--skip=check/qemu', '--include=?essential', '--include=python3.11,python3']));
    expect(args).toContain('--extract-hook=sync-out /var/cache/apt/archives /w/debs');
  });

  it('quotes host paths for sh', () => {
    expect(shellQuote('/a b/c')).toBe("'/a b/c'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe('mmdebstrap output', () => {
  it('reads the Release dates by codename', () => {
    const text = [
      '/r/lists/deb.debian.org_debian_dists_bookworm_InRelease:Codename: bookworm',
      '/r/lists/deb.debian.org_debian_dists_bookworm_InRelease:Date: Sat, 11 Jul 2026 10:16:37 UTC',
      '/r/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease:Codename: bookworm-security',
      '/r/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease:Date: Wed, 25 Nov 2026 22:33:12 UTC',
      '/r/lists/other_InRelease:Codename: broken',
    ].join('\n');
    expect(parseReleaseDates(text)).toEqual({ bookworm: '2026-07-11T10:16:37Z', 'bookworm-security': '2026-11-25T22:33:12Z' });
  });

  it('names the packages apt could not find', () => {
    const output = "E: Version '9.9-1' for 'hostname' was not found\nE: Version '1.0' for 'x' was not found\nE: Unable to locate package nosuchpkg\nE: Version '9.9-1' for 'hostname' was not found\n";
    expect(unavailablePackages(output)).toEqual([{ name: 'hostname', version: '9.9-1' }, { name: 'x', version: '1.0' }, { name: 'nosuchpkg' }]);
    expect(unavailablePackages('E: something else')).toEqual([]);
  });

  it('tells mmdebstrap\'s own hook channel failure from a failure on the packages', () => {
    const channel = 'I: installing essential packages...\nE: setup failed: E: hookhelper failed: E: expected okthx but got: error\nW: umount /proc failed: 8192\n';
    expect(isHookChannelFailure(channel)).toBe(true);
    expect(isHookChannelFailure(`${channel}E: Unable to locate package nosuchpkg\n`)).toBe(false);
    expect(isHookChannelFailure('E: setup failed: E: special hook failed with exit code 256\n')).toBe(false);
  });

  it('turns a failed build into a user error: the unavailable version, or the tail of the output', () => {
    const gone = mmdebstrapFailure(1, "E: Version '2.36-9+deb12u1' for 'libc6' was not found\n", build);
    expect(gone.message).toContain('no longer serves libc6=2.36-9+deb12u1');
    expect(gone.hint).toContain('bump the runtime version');
    const other = mmdebstrapFailure(25, `${'line\n'.repeat(100)}E: boom\n`, build);
    expect(other.message).toContain('mmdebstrap failed (exit 25)');
    expect(other.message.split('\n').length).toBeLessThanOrEqual(41);
    expect(other.message).toContain('E: boom');
  });
});
