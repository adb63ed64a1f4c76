import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { parseRegistry } from './parse-registry';

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
