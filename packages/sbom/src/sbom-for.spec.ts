import { describe, expect, it } from 'vitest';
import { packageComponent, readSbomSubject, sbomFileName, sbomFor, serialNumberFor, serializeSbom, type SbomInput } from './index';

const SHA = (c: string) => c.repeat(64);

function anInput(overrides: Partial<SbomInput> = {}): SbomInput {
  return {
    manifest: { kind: 'runtime', name: 'python-3.11-ml', version: '1.0.0', description: 'python plus numpy', packages: ['numpy==1.26.4', 'left-pad@1.3.0'] },
    package: { fileName: 'python-3.11-ml-1.0.0.tar.gz', sha256: SHA('a'), size: 1234 },
    files: [
      { path: 'python-3.11-ml/setup.sh', sha256: SHA('b'), size: 20 },
      { path: 'python-3.11-ml/manifest.yaml', sha256: SHA('c'), size: 99 },
    ],
    ...overrides,
  };
}

describe('packageComponent', () => {
  it.each([
    ['numpy==1.26.4', 'pkg:pypi/numpy@1.26.4'],
    ['Scikit_Learn==1.5.2', 'pkg:pypi/scikit-learn@1.5.2'],
    ['temurin-jdk == 21.0.10+7', 'pkg:pypi/temurin-jdk@21.0.10%2B7'],
    ['left-pad@1.3.0', 'pkg:npm/left-pad@1.3.0'],
    ['pkg:generic/temurin-jdk@21.0.10%2B7', 'pkg:generic/temurin-jdk@21.0.10%2B7'],
    ['pkg:github/python/cpython@v3.11.10', 'pkg:github/python/cpython@v3.11.10'],
    ['@types/node@20.11.0', 'pkg:npm/%40types/node@20.11.0'],
    ['typescript@5.9.0-beta', 'pkg:npm/typescript@5.9.0-beta'],
  ])('%s → %s', (raw, purl) => {
    expect(packageComponent(raw)).toMatchObject({ type: 'library', purl, 'bom-ref': purl });
  });

  it('takes name, namespace and decoded version from an explicit purl', () => {
    expect(packageComponent('pkg:github/python/cpython@v3.11.10')).toMatchObject({ group: 'python', name: 'cpython', version: 'v3.11.10' });
    expect(packageComponent('pkg:generic/temurin-jdk@21.0.10%2B7')).toMatchObject({ name: 'temurin-jdk', version: '21.0.10+7' });
  });

  it.each([
    'bash==5.2 (host copy, version checked by setup)',
    'numpy==1.26.*',
    'numpy>=1.26',
    'left-pad@^1.3.0',
    'coreutils ls, cat, env (host copy)',
  ])('keeps %s as a generic component named by the raw string, without a purl', (raw) => {
    const component = packageComponent(raw);
    expect(component).toEqual({ type: 'library', 'bom-ref': `runway:package:${raw}`, name: raw });
  });

  it('splits an npm scope into group and name', () => {
    expect(packageComponent('@types/node@20.11.0')).toMatchObject({ group: '@types', name: 'node', version: '20.11.0' });
  });
});

describe('sbomFor', () => {
  it('describes the package, its pinned packages and every file (overall shape)', () => {
    expect(sbomFor(anInput({ sourceDateEpoch: 1_700_000_000 }))).toMatchInlineSnapshot(`
      {
        "bomFormat": "CycloneDX",
        "components": [
          {
            "bom-ref": "pkg:pypi/numpy@1.26.4",
            "name": "numpy",
            "purl": "pkg:pypi/numpy@1.26.4",
            "type": "library",
            "version": "1.26.4",
          },
          {
            "bom-ref": "pkg:npm/left-pad@1.3.0",
            "name": "left-pad",
            "purl": "pkg:npm/left-pad@1.3.0",
            "type": "library",
            "version": "1.3.0",
          },
          {
            "bom-ref": "runway:file:python-3.11-ml/manifest.yaml",
            "hashes": [
              {
                "alg": "SHA-256",
                "content": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
              },
            ],
            "name": "python-3.11-ml/manifest.yaml",
            "properties": [
              {
                "name": "runway:size",
                "value": "99",
              },
            ],
            "type": "file",
          },
          {
            "bom-ref": "runway:file:python-3.11-ml/setup.sh",
            "hashes": [
              {
                "alg": "SHA-256",
                "content": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
              },
            ],
            "name": "python-3.11-ml/setup.sh",
            "properties": [
              {
                "name": "runway:size",
                "value": "20",
              },
            ],
            "type": "file",
          },
        ],
        "dependencies": [
          {
            "dependsOn": [
              "pkg:pypi/numpy@1.26.4",
              "pkg:npm/left-pad@1.3.0",
            ],
            "ref": "pkg:generic/python-3.11-ml@1.0.0",
          },
        ],
        "metadata": {
          "component": {
            "bom-ref": "pkg:generic/python-3.11-ml@1.0.0",
            "description": "python plus numpy",
            "hashes": [
              {
                "alg": "SHA-256",
                "content": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
              },
            ],
            "name": "python-3.11-ml",
            "properties": [
              {
                "name": "runway:kind",
                "value": "runtime",
              },
              {
                "name": "runway:package",
                "value": "python-3.11-ml-1.0.0.tar.gz",
              },
              {
                "name": "runway:size",
                "value": "1234",
              },
            ],
            "purl": "pkg:generic/python-3.11-ml@1.0.0",
            "type": "application",
            "version": "1.0.0",
          },
          "timestamp": "2023-11-14T22:13:20Z",
          "tools": {
            "components": [
              {
                "name": "runway",
                "type": "application",
              },
            ],
          },
        },
        "serialNumber": "${serialNumberFor(SHA('a'))}",
        "specVersion": "1.5",
        "version": 1,
      }
    `);
  });

  it('writes the same bytes for the same input, whatever the order of the files', () => {
    const one = serializeSbom(sbomFor(anInput()));
    const two = serializeSbom(sbomFor(anInput({ files: [...anInput().files].reverse() })));
    expect(two).toBe(one);
    expect(one.endsWith('}\n')).toBe(true);
    expect(one.split('\n')[1]).toBe('  "bomFormat": "CycloneDX",');
  });

  it('has no timestamp without SOURCE_DATE_EPOCH, and no dependencies without pinned packages', () => {
    const bom = sbomFor(anInput({ manifest: { ...anInput().manifest, kind: 'payload', packages: [] } }));
    expect(bom.metadata).not.toHaveProperty('timestamp');
    expect(bom).not.toHaveProperty('dependencies');
    expect(bom.metadata.component.properties).toContainEqual({ name: 'runway:kind', value: 'payload' });
  });

  it('lists a package pinned twice once (bom-refs stay unique)', () => {
    const bom = sbomFor(anInput({ manifest: { ...anInput().manifest, packages: ['numpy==1.26.4', 'numpy==1.26.4'] } }));
    expect(bom.components.filter((c) => c.name === 'numpy')).toHaveLength(1);
  });

  it('names the file <name>-<version>.cdx.json', () => {
    expect(sbomFileName('node-20', '1.2.3')).toBe('node-20-1.2.3.cdx.json');
  });
});

describe('serialNumberFor', () => {
  it('is a stable RFC 4122 v5 UUID URN per package sha256', () => {
    const serial = serialNumberFor(SHA('a'));
    expect(serial).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(serialNumberFor(SHA('a'))).toBe(serial);
    expect(serialNumberFor(SHA('b'))).not.toBe(serial);
  });
});

describe('readSbomSubject', () => {
  it('reads back what sbomFor wrote', () => {
    expect(readSbomSubject(serializeSbom(sbomFor(anInput())))).toEqual({ subject: { name: 'python-3.11-ml', version: '1.0.0', sha256: SHA('a') } });
  });

  it.each([
    ['{', /not JSON/],
    ['{"bomFormat":"SPDX"}', /not a CycloneDX document/],
    ['{"bomFormat":"CycloneDX","metadata":{}}', /no name and version/],
    ['{"bomFormat":"CycloneDX","metadata":{"component":{"name":"x","version":"1.0.0","hashes":[{"alg":"MD5","content":"00"}]}}}', /no SHA-256/],
  ])('says why %s is not usable', (text, problem) => {
    expect(readSbomSubject(text)).toEqual({ problem: expect.stringMatching(problem) });
  });
});
