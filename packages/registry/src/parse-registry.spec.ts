import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { parseRegistry } from './parse-registry';
import { serializeRegistry } from './serialize-registry';

const REFERENCE = resolve(__dirname, '../../../../shared/reference');
const referenceFiles = (() => {
  try {
    const history = join(REFERENCE, 'joblet-registry-history');
    return [join(REFERENCE, 'joblet-registry-current.json'), ...readdirSync(history).map((f) => join(history, f))];
  } catch {
    console.warn(`\n!!! ${REFERENCE} is missing: the Joblet compatibility fixtures are SKIPPED !!!\n`);
    return [];
  }
})();

const BASE_FIELDS = ['version', 'description', 'download_url', 'checksum', 'size', 'platforms'];

/** What a client that knows only the base format sees: runtime → version → the base fields. */
function baseView(text: string): unknown {
  const doc = JSON.parse(text);
  const view: Record<string, Record<string, unknown>> = {};
  for (const [name, versions] of Object.entries<Record<string, Record<string, unknown>>>(doc.runtimes)) {
    view[name] = {};
    for (const [v, e] of Object.entries(versions)) view[name][v] = Object.fromEntries(BASE_FIELDS.map((k) => [k, e[k]]));
  }
  return { version: doc.version, runtimes: view };
}

describe('Joblet reference registries', () => {
  it.skipIf(referenceFiles.length === 0)('has the current file and its history', () => {
    expect(referenceFiles.length).toBeGreaterThanOrEqual(2);
  });

  it.each(referenceFiles.map((f) => [f.slice(REFERENCE.length + 1), f]))('%s reads with no problems and round-trips', (_label, file) => {
    const text = readFileSync(file, 'utf8');
    const { registry, problems } = parseRegistry(text, file);
    expect(problems).toEqual([]);
    expect(Object.keys(registry.runtimes).length).toBeGreaterThan(0);
    const written = serializeRegistry(registry);
    // Joblet writes the same canonical order, so a rewrite changes at most the final newline.
    expect(written).toBe(`${text.trimEnd()}\n`);
    expect(baseView(written)).toEqual(baseView(text));
    expect(registry._comment).toBe(JSON.parse(text)._comment);
  });
});

describe('parseRegistry', () => {
  const good = { version: '1.0.0', description: 'd', download_url: 'https://x/a.tar.gz', checksum: `sha256:${'a'.repeat(64)}`, size: 1, platforms: ['ubuntu-amd64'] };

  it('reads the legacy flat form as one version', () => {
    const text = JSON.stringify({ version: '1', updated_at: '2025-01-01T00:00:00Z', runtimes: { py: good } });
    const { registry, problems } = parseRegistry(text, 'flat.json');
    expect(problems).toEqual([]);
    expect(registry.runtimes).toEqual({ py: { '1.0.0': good } });
  });

  it('reports one bad entry and keeps the others usable', () => {
    const text = JSON.stringify({
      version: '1', updated_at: '2025-01-01T00:00:00Z',
      runtimes: {
        py: { '1.0.0': good, '1.1.0': { ...good, version: '1.1.0', checksum: 'sha256:xyz', size: -1 }, '1.2.0': { ...good } },
        'Bad Name': { '1.0.0': good },
      },
    });
    const { registry, problems } = parseRegistry(text, 'r.json');
    expect(Object.keys(registry.runtimes.py)).toEqual(['1.0.0']);
    expect(problems).toEqual([
      { runtime: 'py', version: '1.1.0', path: '/runtimes/py/1.1.0/checksum', message: expect.stringContaining('py@1.1.0: checksum must be "sha256:"') },
      { runtime: 'py', version: '1.1.0', path: '/runtimes/py/1.1.0/size', message: 'py@1.1.0: size must be >= 0' },
      { runtime: 'py', version: '1.2.0', path: '/runtimes/py/1.2.0/version', message: 'py@1.2.0: version is "1.0.0" but the entry is listed under "1.2.0"' },
      { runtime: 'Bad Name', path: '/runtimes/Bad Name', message: expect.stringContaining('not valid') },
    ]);
  });

  it('checks payload entries the same way and keeps them apart from runtimes', () => {
    const text = JSON.stringify({ version: '1', updated_at: '2025-01-01T00:00:00Z', runtimes: {}, payloads: { web: { '0.1.0': { ...good, version: '0.1.0' }, '0.2.0': { ...good, version: '0.2.0', size: 'big' } } } });
    const { registry, problems } = parseRegistry(text, 'r.json');
    expect(registry.runtimes).toEqual({});
    expect(Object.keys(registry.payloads!.web)).toEqual(['0.1.0']);
    expect(problems).toEqual([{ runtime: 'web', version: '0.2.0', path: '/payloads/web/0.2.0/size', message: 'web@0.2.0: size must be integer' }]);
  });

  it.each([
    ['{"version": "1",\n  "runtimes": {},}', /r\.json:2:18: registry is not valid JSON/],
    ['[]', /must be a JSON object/],
    ['{"version": "2", "updated_at": "2025-01-01T00:00:00Z", "runtimes": {}}', /version must be "1"/],
    ['{"version": "1", "updated_at": "2025-01-01T00:00:00Z"}', /runtimes is required/],
  ])('refuses a file that is not a registry: %s', (text, message) => {
    expect(() => parseRegistry(text, 'r.json')).toThrowError(UserError);
    expect(() => parseRegistry(text, 'r.json')).toThrowError(message);
  });
});
