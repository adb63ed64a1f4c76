import { describe, expect, it } from 'vitest';
import { environmentSbomFileName, environmentSbomFor, readSbomSubject, serialNumberFor, serializeSbom, type CycloneDxComponent } from './index';

const SHA = (c: string) => c.repeat(64);
const deb = (name: string, version: string): CycloneDxComponent => {
  const purl = `pkg:deb/debian/${encodeURIComponent(name)}@${encodeURIComponent(version)}?arch=amd64`;
  return { type: 'library', 'bom-ref': purl, group: 'debian', name, version, purl, hashes: [{ alg: 'SHA-256', content: SHA('d') }] };
};
const input = (components = [deb('busybox', '1:1.35.0-4+b3'), deb('libc6', '2.36-9+deb12u9')]) => ({
  manifest: { name: 'tiny-env', version: '1.0.0', description: 'tiny' }, platform: 'debian-amd64',
  package: { fileName: 'tiny-env-1.0.0-debian-amd64.tar.gz', sha256: SHA('a'), size: 4321 }, components, sourceDateEpoch: 1_700_000_000,
});

describe('environmentSbomFor', () => {
  it('describes the environment tarball and lists every installed package, as direct dependencies', () => {
    const bom = environmentSbomFor(input());
    expect(bom.serialNumber).toBe(serialNumberFor(SHA('a')));
    expect(bom.metadata.timestamp).toBe('2023-11-14T22:13:20Z');
    expect(bom.metadata.component).toEqual({
      type: 'application', 'bom-ref': 'pkg:generic/tiny-env@1.0.0?platform=debian-amd64', name: 'tiny-env', version: '1.0.0', description: 'tiny',
      hashes: [{ alg: 'SHA-256', content: SHA('a') }], purl: 'pkg:generic/tiny-env@1.0.0?platform=debian-amd64',
      properties: [
        { name: 'runway:kind', value: 'environment' }, { name: 'runway:platform', value: 'debian-amd64' },
        { name: 'runway:package', value: 'tiny-env-1.0.0-debian-amd64.tar.gz' }, { name: 'runway:size', value: '4321' },
      ],
    });
    expect(bom.components.map((c) => c.purl)).toEqual(['pkg:deb/debian/busybox@1%3A1.35.0-4%2Bb3?arch=amd64', 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64']);
    expect(bom.dependencies).toEqual([{ ref: 'pkg:generic/tiny-env@1.0.0?platform=debian-amd64', dependsOn: bom.components.map((c) => c['bom-ref']) }]);
    // The release's verify step reads it back like a package's SBOM.
    expect(readSbomSubject(serializeSbom(bom))).toEqual({ subject: { name: 'tiny-env', version: '1.0.0', sha256: SHA('a') } });
  });

  it('is deterministic, and refuses duplicate components (an invalid BOM)', () => {
    expect(serializeSbom(environmentSbomFor(input()))).toBe(serializeSbom(environmentSbomFor(input())));
    expect(environmentSbomFor(input([])).dependencies).toBeUndefined();
    expect(() => environmentSbomFor(input([deb('a', '1'), deb('a', '1')]))).toThrow('two components share the bom-ref pkg:deb/debian/a@1?arch=amd64');
  });

  it('is named <name>-<version>-<platform>.cdx.json', () => {
    expect(environmentSbomFileName('tiny-env', '1.0.0', 'debian-arm64')).toBe('tiny-env-1.0.0-debian-arm64.cdx.json');
  });
});
