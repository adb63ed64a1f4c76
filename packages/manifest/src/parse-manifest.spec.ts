import { describe, expect, it } from 'vitest';
import { parseManifest } from './parse-manifest';
import type { ProjectKind } from './types';

const parse = (text: string, folderName = 'python-3.11', kind: ProjectKind = 'runtime') =>
  parseManifest(text, { file: `runtimes/${folderName}/manifest.yaml`, kind, folderName });
const valid = 'name: python-3.11\nversion: 1.0.0\ndescription: Python\nplatforms: [ubuntu-amd64, ubuntu-arm64]\n';
const rules = (text: string, folder?: string) => {
  const r = parse(text, folder);
  return { errors: r.errors.map((i) => i.rule), warnings: r.warnings.map((i) => i.rule) };
};

describe('parseManifest', () => {
  it('normalises a valid manifest', () => {
    const r = parse(valid);
    expect(r.errors).toEqual([]);
    expect(r.manifest).toEqual({
      kind: 'runtime', name: 'python-3.11', version: '1.0.0', description: 'Python',
      platforms: ['ubuntu-amd64', 'ubuntu-arm64'], packages: [], aliases: [], dockerfile: 'Dockerfile',
    });
  });

  it.each([
    ['python-3.11-ml'], ['openjdk-21'], ['node-18.20'], ['9lives'], ['a'],
  ])('accepts the name %s', (name) => {
    expect(rules(valid.replace('python-3.11', name), name).errors).toEqual([]);
  });

  it.each([
    ['Python-3.11-ML'], ['python_3.11'], ['python@3.11'], ['Python ML 3.11'], ['-python'], ['.hidden'],
  ])('refuses the name %j', (name) => {
    expect(rules(valid.replace('name: python-3.11', `name: "${name}"`)).errors).toEqual(['name-format']);
  });

  it.each([['1.0.0'], ['1.3.2'], ['10.15.3'], ['0.0.0']])('accepts the version %s', (v) => {
    expect(rules(valid.replace('1.0.0', v)).errors).toEqual([]);
  });

  it.each([
    ['1.0', 'has 2 parts'], ['v1.0.0', '"v" prefix'], ['1.0.0-beta', 'suffix'], ['01.2.3', 'leading zero'],
    ['1.0.0.0', 'has 4 parts'], ['1.x.0', 'not a number'], ['1.0.0+build', 'suffix'],
  ])('refuses the version %s (%s)', (v, why) => {
    const r = parse(valid.replace('1.0.0', v));
    expect(r.errors.map((i) => i.rule)).toEqual(['version-format']);
    expect(r.errors[0].message).toContain(`"${v}"`);
    expect(r.errors[0].message).toContain(why);
    expect(r.errors[0]).toMatchObject({ line: 2 });
  });

  it('warns, without blocking, when the folder differs from the name', () => {
    const r = parse(valid, 'python-copy');
    expect(r.manifest?.name).toBe('python-3.11');
    expect(r.warnings.map((i) => i.rule)).toEqual(['name-matches-folder']);
    expect(r.warnings[0].fix).toContain('python-copy');
  });

  it('refuses unknown and duplicate platforms and requires at least one', () => {
    expect(rules(valid.replace('ubuntu-arm64', 'windows-amd64')).errors).toEqual(['platform-unknown']);
    expect(rules(valid.replace('ubuntu-arm64', 'ubuntu-amd64')).errors).toEqual(['platform-duplicate']);
    expect(rules(valid.replace('[ubuntu-amd64, ubuntu-arm64]', '[]')).errors).toEqual(['platforms-required']);
    expect(rules(valid.replace('[ubuntu-amd64, ubuntu-arm64]', 'ubuntu-amd64')).errors).toEqual(['platforms-format']);
  });

  it('requires name and version', () => {
    expect(rules('platforms: [ubuntu-amd64]\n').errors).toEqual(['name-required', 'version-required']);
  });

  it('checks extends, aliases and unknown fields', () => {
    expect(rules(`${valid}extends: python-3.11\n`).errors).toEqual(['extends-self']);
    expect(rules(`${valid}extends: [a]\n`).errors).toEqual(['extends-format']);
    expect(rules(`${valid}colour: blue\n`).warnings).toEqual(['unknown-field']);
    const payload = parseManifest('name: python\nversion: 1.0.0\naliases: [runenv-python-3.11, "Bad Alias"]\n', { file: 'payloads/python/manifest.yaml', kind: 'payload', folderName: 'python' });
    expect(payload.errors.map((i) => i.rule)).toEqual(['alias-format']);
  });

  it('checks a payload\'s runtime: its form, that only payloads name one, and that it exists', () => {
    const payload = (text: string, runtimes?: string[]) =>
      parseManifest(`name: python\nversion: 1.0.0\n${text}`, { file: 'payloads/python/manifest.yaml', kind: 'payload', folderName: 'python', runtimes });
    expect(payload('runtime: python-3.11\n', ['node-18', 'python-3.11']).manifest?.runtime).toBe('python-3.11');
    expect(payload('runtime: python-3.11\n').manifest?.runtime).toBe('python-3.11');
    const unknown = payload('description: x\nruntime: "python-3.12"\n', ['python-3.11', 'node-18']);
    expect(unknown.manifest).toBeUndefined();
    expect(unknown.errors).toEqual([expect.objectContaining({
      rule: 'runtime-unknown', line: 4, column: 10, file: 'payloads/python/manifest.yaml',
      message: 'unknown runtime "python-3.12": there is no runtimes/python-3.12/manifest.yaml', fix: 'use one of: node-18, python-3.11',
    })]);
    expect(payload('runtime: [python-3.11]\n').errors.map((i) => `${i.rule}@${i.line}:${i.column}`)).toEqual(['runtime-format@3:10']);
    expect(payload('runtime: Python 3\n').errors.map((i) => i.rule)).toEqual(['runtime-format']);
    expect(rules(`${valid}runtime: python-3.10\n`).errors).toEqual(['runtime-payload-only']);
  });

  it('reports malformed YAML with line and column, never throwing', () => {
    const r = parse('name: python-3.11\nversion: 1.0.0\nplatforms: [ubuntu-amd64\n  - x: y\n');
    expect(r.manifest).toBeUndefined();
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]).toMatchObject({ rule: 'yaml-syntax', file: 'runtimes/python-3.11/manifest.yaml' });
    expect(r.errors[0].line).toBeGreaterThanOrEqual(3);
    expect(r.errors[0].column).toBeGreaterThanOrEqual(1);
  });

  it('refuses a manifest that is not a mapping', () => {
    expect(rules('- just\n- a list\n').errors).toEqual(['manifest-shape']);
  });

  it('reports every problem of a manifest that breaks many rules at once', () => {
    const r = parse('name: Python-3.11-ML\nversion: 01.2.3\nplatforms: [ubuntu-amd64, ubuntu-amd64, beos-x86]\nextends: [x]\ncolour: blue\n', 'python-3.11-ml');
    expect(r.manifest).toBeUndefined();
    expect(r.errors.map((i) => `${i.rule}@${i.line}`)).toEqual([
      'name-format@1', 'version-format@2', 'platform-duplicate@3', 'platform-unknown@3', 'extends-format@4',
    ]);
    expect(r.warnings.map((i) => i.rule)).toEqual(['unknown-field']);
    for (const issue of [...r.errors, ...r.warnings]) {
      expect(issue.file).toBe('runtimes/python-3.11-ml/manifest.yaml');
      expect(issue.fix.length).toBeGreaterThan(5);
    }
  });
});
