import { describe, expect, it } from 'vitest';
import { checkProjectFiles } from './check-files';
import { parseManifest } from './parse-manifest';
import { isCleanAbsolutePath, prebuiltPlatforms } from './rules';
import type { ProjectKind } from './types';

const base = 'name: py\nversion: 1.0.0\nplatforms: [debian-amd64, ubuntu-amd64]\n';
const parse = (text: string, kind: ProjectKind = 'runtime') => parseManifest(text, { file: 'runtimes/py/manifest.yaml', kind, folderName: 'py' });
const issues = (text: string, kind?: ProjectKind) => {
  const r = parse(text, kind);
  return { errors: r.errors.map((i) => `${i.rule}@${i.line}:${i.column}`), warnings: r.warnings.map((i) => `${i.rule}@${i.line}:${i.column}`) };
};

describe('smoke and debian fields', () => {
  it('normalises a full definition', () => {
    const r = parse(`${base}smoke: python3 -c 'print(1)'\ndebian:\n  suite: bookworm\n  packages: [python3.11, python3-numpy]\n  environment:\n    OMP_NUM_THREADS: 1\n    RATIO: 1.10\n    MPLBACKEND: Agg\n  mounts:\n    - /var/lib/x\n    - { path: /var/cache/x, writable: true }\n`);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.manifest).toMatchObject({
      smoke: ['/bin/sh', '-c', "python3 -c 'print(1)'"],
      debian: {
        suite: 'bookworm', packages: ['python3.11', 'python3-numpy'],
        environment: { OMP_NUM_THREADS: '1', RATIO: '1.10', MPLBACKEND: 'Agg' },
        mounts: [{ path: '/var/lib/x', writable: false }, { path: '/var/cache/x', writable: true }],
      },
    });
  });

  it('takes a smoke argv list as written, and leaves both fields out when absent', () => {
    expect(parse(`${base}smoke: [java, -version]\n`).manifest?.smoke).toEqual(['java', '-version']);
    const plain = parse(base).manifest!;
    expect('smoke' in plain || 'debian' in plain).toBe(false);
  });

  it.each([
    ['smoke: ""\n', 'smoke-format@4:8'],
    ['smoke: []\n', 'smoke-format@4:8'],
    ['smoke: [java, 1]\n', 'smoke-format@4:8'],
    ['smoke: { run: x }\n', 'smoke-format@4:8'],
    ['debian: bookworm\n', 'debian-format@4:9'],
    ['debian:\n  packages: [a1]\n', 'debian-suite@4:1'],
    ['debian:\n  suite: jessie\n  packages: [a1]\n', 'debian-suite@5:10'],
    ['debian:\n  suite: bookworm\n', 'debian-packages@4:1'],
    ['debian:\n  suite: bookworm\n  packages: []\n', 'debian-packages@6:13'],
    ['debian:\n  suite: bookworm\n  packages:\n    - python3\n    - Python3\n', 'debian-package-name@8:7'],
    ['debian:\n  suite: bookworm\n  packages: [python3=3.11.2-1]\n', 'debian-package-name@6:14'],
    ['debian:\n  suite: bookworm\n  packages: [python3, python3]\n', 'debian-package-duplicate@6:23'],
    ['debian:\n  suite: bookworm\n  packages: [a1]\n  environment: [A]\n', 'debian-environment@7:16'],
    ['debian:\n  suite: bookworm\n  packages: [a1]\n  environment:\n    1BAD: x\n', 'debian-environment@8:5'],
    ['debian:\n  suite: bookworm\n  packages: [a1]\n  environment:\n    GOOD: [x]\n', 'debian-environment@8:11'],
    ['debian:\n  suite: bookworm\n  packages: [a1]\n  mounts: /var\n', 'debian-mounts@7:11'],
    ['debian:\n  suite: bookworm\n  packages: [a1]\n  mounts: [var]\n', 'debian-mount-path@7:12'],
    ['debian:\n  suite: bookworm\n  packages: [a1]\n  mounts: [/var/../etc]\n', 'debian-mount-path@7:12'],
    ['debian:\n  suite: bookworm\n  packages: [a1]\n  mounts: [/proc/x]\n', 'debian-mount-path@7:12'],
    ['debian:\n  suite: bookworm\n  packages: [a1]\n  mounts: [{ path: /x, writable: yes please }]\n', 'debian-mount-path@7:12'],
  ])('refuses %j with a line and column', (extra, expected) => {
    expect(issues(base + extra).errors).toEqual([expected]);
  });

  it('reports every problem of the section in one run', () => {
    const r = parse(`${base}debian:\n  suite: sid\n  packages: [ok1, BAD, ok1]\n  mounts: [rel]\n`);
    expect(r.manifest).toBeUndefined();
    expect(r.errors.map((i) => i.rule)).toEqual(['debian-suite', 'debian-package-name', 'debian-package-duplicate', 'debian-mount-path']);
    for (const issue of r.errors) expect(issue.fix.length).toBeGreaterThan(10);
    expect(r.errors[1].fix).toContain('Debian');
  });

  it('explains that versions belong in the lock', () => {
    const [error] = parse(`${base}debian:\n  suite: bookworm\n  packages: [python3=3.11.2-1]\n`).errors;
    expect(error.message).toContain('versions are not written in the manifest');
    expect(error.fix).toContain('debian.lock.json');
  });

  it.each([
    [`${base}debian:\n  suite: bookworm\n  packages: [a1]\n  colour: blue\n`, 'runtime', 'unknown-field@7:3'],
    ['name: py\nversion: 1.0.0\nplatforms: [ubuntu-amd64]\ndebian:\n  suite: bookworm\n  packages: [a1]\n', 'runtime', 'debian-platform-missing@4:1'],
    ['name: py\nversion: 1.0.0\ndebian:\n  suite: bookworm\n  packages: [a1]\n', 'payload', 'debian-runtime-only@3:1'],
  ] as const)('warns without blocking: %j', (text, kind, warning) => {
    const r = issues(text, kind);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([warning]);
  });
});

describe('prebuilt platforms', () => {
  const manifest = parse(`${base.replace('[debian-amd64, ubuntu-amd64]', '[debian-amd64, debian-arm64, ubuntu-amd64]')}debian:\n  suite: bookworm\n  packages: [a1]\n`).manifest!;
  const script = (name: string) => ({ name, tracked: { executable: true } });

  it('are the debian-* platforms of a runtime with a debian section', () => {
    expect(prebuiltPlatforms(manifest)).toEqual(['debian-amd64', 'debian-arm64']);
    expect(prebuiltPlatforms({ ...manifest, debian: undefined })).toEqual([]);
  });

  it('need the lock instead of a setup script; other platforms still need theirs', () => {
    const files = [script('manifest.yaml'), script('setup.sh'), script('setup-ubuntu-amd64.sh'), { name: 'debian.lock.json', tracked: { executable: false } }];
    expect(checkProjectFiles(manifest, files, 'runtimes/py')).toEqual([]);
    const issues = checkProjectFiles(manifest, [script('manifest.yaml'), script('setup.sh')], 'runtimes/py');
    expect(issues.map((i) => [i.rule, i.file])).toEqual([
      ['debian-lock-present', 'runtimes/py/debian.lock.json'],
      ['platform-script-present', 'runtimes/py/setup-ubuntu-amd64.sh'],
    ]);
    expect(issues[0].fix).toContain('debian-env.js lock runtimes/py');
  });

  it('still check a setup script that is there', () => {
    const files = [script('manifest.yaml'), script('setup.sh'), script('setup-ubuntu-amd64.sh'), { name: 'setup-debian-amd64.sh', tracked: { executable: false } }, { name: 'debian.lock.json', tracked: { executable: false } }];
    expect(checkProjectFiles(manifest, files, 'runtimes/py').map((i) => i.rule)).toEqual(['platform-script-executable']);
  });
});

describe('isCleanAbsolutePath', () => {
  it.each([['/usr', true], ['/var/lib/x', true], ['/', false], ['usr', false], ['/usr/', false], ['//usr', false], ['/usr/./x', false], ['/usr/../x', false], ['/a\0b', false]])('%j → %s', (path, clean) => {
    expect(isCleanAbsolutePath(path)).toBe(clean);
  });
});
