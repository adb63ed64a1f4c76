import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { addEntry, deprecateEntry, emptyRegistry, versionsOf } from './edit-registry';
import { parseRegistry } from './parse-registry';
import { resolveVersion } from './resolve-version';
import type { RegistryEntry } from './types';
import { isSemver } from './versions';

const entry = (version: string, platforms = ['ubuntu-amd64']): RegistryEntry => ({
  version, description: 'd', download_url: `py-${version}.tar.gz`, checksum: `sha256:${'a'.repeat(64)}`, size: 1, platforms,
});
const registryText = (runtimes: string) => `{"version": "1", "updated_at": "2025-01-01T00:00:00Z", "runtimes": ${runtimes}}`;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('parseRegistry on hostile input', () => {
  it.each([
    ['an entry field nested 10,000 deep', registryText(`{"py": {"1.0.0": ${JSON.stringify(entry('1.0.0')).slice(0, -1)}, "x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`)],
    ['a top-level field nested 100,000 deep', `{"x": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}, ${registryText('{}').slice(1)}`],
    ['nesting inside a string that lies about its quotes', registryText(`{"py": {"1.0.0": {"description": "\\"[[[", "x": ${'['.repeat(65)}${']'.repeat(65)}}}}`)],
    ['nesting after a string ending in an escaped backslash', registryText(`{"py": {"1.0.0": {"description": "ends in \\\\\\\\", "x": ${'['.repeat(65)}${']'.repeat(65)}}}}`)],
  ])('refuses %s as a UserError, never a stack overflow', (_label, text) => {
    expect(() => parseRegistry(text, 'r.json')).toThrowError(UserError);
    expect(() => parseRegistry(text, 'r.json')).toThrowError(/^r\.json:1:\d+: registry is nested more than 64 levels deep$/);
  });

  it('accepts nesting up to the bound, and brackets inside strings', () => {
    const text = registryText(`{"py": {"1.0.0": ${JSON.stringify({ ...entry('1.0.0'), description: '[[[{{{', x: JSON.parse(`${'['.repeat(58)}${']'.repeat(58)}`) })}}}`);
    expect(parseRegistry(text, 'r.json').problems).toEqual([]);
  });

  it('keeps prototype-named keys as plain data: lookups never reach Object.prototype', () => {
    const text = registryText(`{"__proto__": {"1.0.0": ${JSON.stringify(entry('1.0.0'))}}, "constructor": {"1.0.0": ${JSON.stringify(entry('1.0.0'))}},
      "py": {"__proto__": ${JSON.stringify(entry('1.0.0'))}, "constructor": {}, "toString": 1, "1.0.0": ${JSON.stringify(entry('1.0.0'))}}}`);
    const { registry, problems } = parseRegistry(text, 'r.json');
    expect(Object.keys(registry.runtimes).sort()).toEqual(['constructor', 'py']);
    expect(Object.keys(registry.runtimes.py)).toEqual(['1.0.0']);
    expect(problems.map((p) => p.message)).toEqual([
      'name "__proto__" is not valid (lowercase letters, digits, "." and "-", at most 128 characters)',
      'py@__proto__: version key "__proto__" is not a semantic version (X.Y.Z, at most 64 characters)',
      'py@constructor: version key "constructor" is not a semantic version (X.Y.Z, at most 64 characters)',
      'py@toString: version key "toString" is not a semantic version (X.Y.Z, at most 64 characters)',
    ]);
    expect(Object.getPrototypeOf(registry.runtimes.py)).toBeNull();
    expect(({} as Record<string, unknown>)['1.0.0']).toBeUndefined();
  });

  it('bounds names and versions', () => {
    const long = `1.0.0-${'a'.repeat(59)}`;
    const text = registryText(`{"${'n'.repeat(129)}": {"1.0.0": ${JSON.stringify(entry('1.0.0'))}},
      "py": {"${long}": ${JSON.stringify(entry(long))}, "99999999999999999999.0.0": ${JSON.stringify(entry('99999999999999999999.0.0'))}}}`);
    const { registry, problems } = parseRegistry(text, 'r.json');
    expect(registry.runtimes).toEqual({ py: {} });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^name "n+…" is not valid/),
      expect.stringMatching(/^py@1\.0\.0-a+: version key "1\.0\.0-a+" is not a semantic version/),
      expect.stringMatching(/^py@99999999999999999999\.0\.0: version key .* is not a semantic version/),
    ]);
  });

  it('refuses an entry holding a string too long to validate cheaply, with one problem', () => {
    const text = registryText(`{"py": {"1.0.0": ${JSON.stringify({ ...entry('1.0.0'), download_url: 'a'.repeat(1_000_000), description: 'x'.repeat(9000) })}, "1.1.0": ${JSON.stringify(entry('1.1.0'))}}}`);
    const { registry, problems } = parseRegistry(text, 'r.json');
    expect(Object.keys(registry.runtimes.py)).toEqual(['1.1.0']);
    expect(problems).toEqual([{ runtime: 'py', version: '1.0.0', path: '/runtimes/py/1.0.0/description', message: 'py@1.0.0: description is longer than 8192 characters' }]);
  });

  it('quotes hostile keys escaped and cut short in problems', () => {
    const text = registryText(`{"py\\u001b[2J\\nerror: forged": {}, "${'x'.repeat(100_000)}": {}, "py": {"1.0.0\\u202e": {}}}`);
    const { problems } = parseRegistry(text, 'r.json');
    expect(problems).toHaveLength(3);
    for (const p of problems) {
      expect(p.message).not.toMatch(CONTROL);
      expect(p.path).not.toMatch(CONTROL);
      expect(p.message.length + p.path.length).toBeLessThan(1000);
    }
    expect(problems[0].message).toContain('"py\\x1b[2J\\nerror: forged"');
    expect(problems[2].message).toContain('"1.0.0\\u202e"');
  });

  it('quotes the text around a JSON syntax error escaped', () => {
    const err: Error = (() => { try { parseRegistry('{"a": "\x1b[2J\nerror: forged" oops}', 'r.json'); } catch (e) { return e as Error; } })()!;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/^r\.json:1:\d+: registry is not valid JSON \(Bad control character/);
    expect(err.message).not.toMatch(CONTROL);
  });
});

describe('messages about huge registries stay short', () => {
  it('lists the newest 20 versions and the first 20 names, counting the rest', () => {
    let registry = emptyRegistry(new Date(0));
    for (let i = 0; i < 30; i++) registry = addEntry(registry, `rt-${String(i).padStart(2, '0')}`, entry('1.0.0'), new Date(0)).registry;
    for (let i = 0; i < 30; i++) registry = addEntry(registry, 'py', entry(`1.${i}.0`), new Date(0)).registry;
    const hint = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as UserError).hint; } };
    expect(hint(() => resolveVersion(registry, 'py', '9.9.9', {}))).toBe(`available versions: (10 earlier), ${Array.from({ length: 20 }, (_, i) => `1.${i + 10}.0`).join(', ')}`);
    expect(hint(() => versionsOf(registry, 'node'))).toBe(`available runtimes: py, ${Array.from({ length: 19 }, (_, i) => `rt-${String(i).padStart(2, '0')}`).join(', ')} (and 11 more)`);
  });
});

describe('isSemver bounds', () => {
  it.each([
    ['1.2.3', true], [`1.0.0-${'a'.repeat(58)}`, true], [`1.0.0-${'a'.repeat(59)}`, false],
    ['9007199254740991.0.0', true], ['9007199254740992.0.0', false], ['1.0.99999999999999999999', false], ['__proto__', false],
  ])('%s → %s', (v, ok) => expect(isSemver(v)).toBe(ok));
});

describe('lookups by name or version never reach object prototypes', () => {
  const registry = addEntry(emptyRegistry(new Date(0)), 'py', entry('1.0.0'), new Date(0)).registry;

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('py@%s is "not in the registry"', (spec) => {
    expect(() => resolveVersion(registry, 'py', spec, {})).toThrowError(`py@${spec} is not in the registry`);
    expect(() => deprecateEntry(registry, 'py', spec, {}, new Date(0))).toThrowError(/is not in the registry/);
    expect(() => deprecateEntry(registry, 'py', '1.0.0', { use: spec }, new Date(0))).toThrowError(/not another published version/);
  });

  it.each(['__proto__', 'constructor', 'toString'])('runtime %s is "not in the registry"', (name) => {
    expect(() => versionsOf(registry, name)).toThrowError(/is not in the registry/);
    expect(() => resolveVersion(registry, name, 'latest', {})).toThrowError(/is not in the registry/);
  });

  it('adds a runtime called "constructor" like any other', () => {
    const { registry: next, outcome } = addEntry(registry, 'constructor', entry('1.0.0'), new Date(0));
    expect(outcome).toBe('added');
    expect(Object.keys(versionsOf(next, 'constructor'))).toEqual(['1.0.0']);
  });
});

describe('resolveVersion when no version supports the platform', () => {
  const registry = [entry('1.0.0'), entry('1.1.0', ['ubuntu-amd64', 'ubuntu-arm64'])]
    .reduce((r, e) => addEntry(r, 'python-3.11', e, new Date(0)).registry, emptyRegistry(new Date(0)));

  it('says so, listing the platforms that exist with their versions and how to choose one', () => {
    const err = (() => { try { resolveVersion(registry, 'python-3.11', 'latest', { platform: 'debian-amd64' }); } catch (e) { return e as UserError; } })()!;
    expect(err.message).toBe('python-3.11 has no version for debian-amd64; its versions support ubuntu-amd64 (1.0.0, 1.1.0), ubuntu-arm64 (1.1.0)');
    expect(err.hint).toBe('to install it anyway, name a supported platform: --platform ubuntu-amd64');
  });

  it('names the platforms of one exact version that does not support it', () => {
    expect(() => resolveVersion(registry, 'python-3.11', '1.0.0', { platform: 'debian-amd64' })).toThrowError(
      /^python-3\.11@1\.0\.0 does not support debian-amd64 \(it supports ubuntu-amd64\)$/);
  });

  it('lists only the versions for the platform when all of them are prereleases or deprecated', () => {
    const r = deprecateEntry(addEntry(registry, 'python-3.11', entry('2.0.0-rc.1', ['debian-amd64']), new Date(0)).registry, 'python-3.11', '1.1.0', {}, new Date(0));
    const err = (() => { try { resolveVersion(r, 'python-3.11', 'latest', { platform: 'debian-amd64' }); } catch (e) { return e as UserError; } })()!;
    expect(err.message).toBe('python-3.11 has no stable, non-deprecated version for debian-amd64');
    expect(err.hint).toBe('pick one explicitly with python-3.11@<version>; versions for debian-amd64: 2.0.0-rc.1');
  });
});
