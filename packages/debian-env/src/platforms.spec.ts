import { describe, expect, it } from 'vitest';
import { availablePlatforms, describePlatformSupport, readBuildHostFacts } from './host-tools';
import { binfmtEntryFor, debianArchOfNode, isDebianPlatform, platformSupport } from './platforms';
import { testdir } from '@runway/test-utils';

describe('which platforms this machine can build', () => {
  it.each([
    [{ nativeArch: 'amd64', emulatedArches: [] }, ['debian-amd64']],
    [{ nativeArch: 'arm64', emulatedArches: [] }, ['debian-arm64']],
    [{ nativeArch: 'amd64', emulatedArches: ['arm64'] }, ['debian-amd64', 'debian-arm64']],
    [{ nativeArch: undefined, emulatedArches: [] }, []],
  ] as const)('%j → %j', (facts, buildable) => {
    expect(platformSupport({ ...facts, emulatedArches: [...facts.emulatedArches] }).filter((s) => s.buildable).map((s) => s.platform)).toEqual(buildable);
  });

  it('says why a platform cannot be built and what would make it possible', () => {
    const arm = platformSupport({ nativeArch: 'amd64', emulatedArches: [] }).find((s) => s.platform === 'debian-arm64')!;
    expect(arm.reason).toContain('needs an arm64 machine, or binfmt_misc with qemu-user');
    expect(arm.reason).toContain('this machine is amd64');
  });

  it.each([['x64', 'amd64'], ['arm64', 'arm64'], ['ia32', undefined]])('maps node arch %s to %s', (node, deb) => {
    expect(debianArchOfNode(node)).toBe(deb);
  });

  it('knows the platform names and binfmt entries', () => {
    expect(isDebianPlatform('debian-amd64')).toBe(true);
    expect(isDebianPlatform('ubuntu-amd64')).toBe(false);
    expect(isDebianPlatform('__proto__')).toBe(false);
    expect(binfmtEntryFor('arm64')).toBe('qemu-aarch64');
  });

  it('reads binfmt_misc: only an enabled handler counts', async () => {
    const dir = await testdir({ 'qemu-aarch64': 'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n' });
    expect(await readBuildHostFacts('x64', dir)).toEqual({ nativeArch: 'amd64', emulatedArches: ['arm64'] });
    const disabled = await testdir({ 'qemu-aarch64': 'disabled\n' });
    expect(await readBuildHostFacts('x64', disabled)).toEqual({ nativeArch: 'amd64', emulatedArches: [] });
  });

  it.runIf(process.arch === 'x64')('builds debian-amd64 on this amd64 machine', async () => {
    expect(await availablePlatforms()).toContain('debian-amd64');
    expect((await describePlatformSupport()).map((s) => s.platform)).toEqual(['debian-amd64', 'debian-arm64']);
  });
});
