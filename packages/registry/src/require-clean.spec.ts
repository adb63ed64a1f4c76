import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { parseRegistry } from './parse-registry';
import { registryForUpdate } from './require-clean';

const entry = (checksum: string) => ({ version: '1.0.0', description: 'x', download_url: 'https://e/x.tar.gz', checksum, size: 1, platforms: ['ubuntu-amd64'] });
const text = (checksum: string) => JSON.stringify({ version: '1', updated_at: '2026-01-01T00:00:00Z', runtimes: { x: { '1.0.0': entry(checksum) } } });

describe('registryForUpdate', () => {
  it('passes a clean registry through', () => {
    const read = parseRegistry(text(`sha256:${'a'.repeat(64)}`), 'registry.json');
    expect(registryForUpdate(read, 'registry.json')).toBe(read.registry);
  });

  it('refuses to let a writer drop an invalid entry, naming where it is', () => {
    const read = parseRegistry(text('md5:nope'), 'registry.json');
    expect(read.registry.runtimes.x ?? {}).toEqual({});
    expect(() => registryForUpdate(read, 'dist/registry/registry.json')).toThrow(UserError);
    expect(() => registryForUpdate(read, 'dist/registry/registry.json')).toThrow(/dist\/registry\/registry\.json has 1 invalid entry; refusing to rewrite it[\s\S]*checksum/);
  });
});
