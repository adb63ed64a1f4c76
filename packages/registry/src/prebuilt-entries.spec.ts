import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { addEntry, emptyRegistry } from './edit-registry';
import { parseRegistry } from './parse-registry';
import { serializeRegistry } from './serialize-registry';
import type { PrebuiltArtifact, RegistryEntry } from './types';
import { validateEntry } from './validate-entry';

const now = new Date('2026-11-27T12:00:00Z');
const sha = (c: string) => `sha256:${c.repeat(64)}`;
const artifact = (platform: string, c = 'b'): PrebuiltArtifact => ({
  download_url: `releases/download/env@1.0.0/env-1.0.0-${platform}.tar.gz`, checksum: sha(c), size: 4_567_890,
  lock_url: `releases/download/env@1.0.0/env-1.0.0-${platform}.lock.json`, sbom_url: `releases/download/env@1.0.0/env-1.0.0-${platform}.cdx.json`,
});
const entry = (prebuilt?: Record<string, PrebuiltArtifact>): RegistryEntry => ({
  version: '1.0.0', description: 'env', download_url: 'releases/download/env@1.0.0/env-1.0.0.tar.gz', checksum: sha('a'), size: 1234,
  platforms: ['debian-amd64', 'ubuntu-amd64'], published_at: '2026-11-27T12:00:00.000Z', ...(prebuilt && { prebuilt }),
});

describe('prebuilt artifacts in registry entries', () => {
  it('are accepted by the schema, kept by parse, and written back byte for byte', () => {
    const { registry } = addEntry(emptyRegistry(now), 'env', entry({ 'debian-amd64': artifact('debian-amd64'), 'debian-arm64': artifact('debian-arm64', 'c') }), now);
    const text = serializeRegistry(registry);
    const { registry: read, problems } = parseRegistry(text, 'registry.json');
    expect(problems).toEqual([]);
    expect(read.runtimes.env['1.0.0'].prebuilt).toEqual({ 'debian-amd64': artifact('debian-amd64'), 'debian-arm64': artifact('debian-arm64', 'c') });
    expect(serializeRegistry(read)).toBe(text);
  });

  it.each([
    ['a checksum that is no sha256', { checksum: 'md5:1' }, 'prebuilt.debian-amd64.checksum must be "sha256:" followed by 64 lowercase hex digits'],
    ['an empty download_url', { download_url: '' }, 'prebuilt.debian-amd64.download_url must NOT have fewer than 1 characters'],
    ['a URL with a space', { download_url: 'a b.tar.gz' }, 'prebuilt.debian-amd64.download_url must match format "uri-reference"'],
    ['a negative size', { size: -1 }, 'prebuilt.debian-amd64.size must be >= 0'],
    ['a fractional size', { size: 1.5 }, 'prebuilt.debian-amd64.size must be integer'],
    ['a size over 1 TiB', { size: 2 ** 41 }, 'prebuilt.debian-amd64.size must be <= 1099511627776'],
    ['no checksum', { checksum: undefined }, 'prebuilt.debian-amd64.checksum is required'],
    ['a lock_url that is no string', { lock_url: 7 }, 'prebuilt.debian-amd64.lock_url must be string'],
  ])('refuses %s, naming the field', (_label, change, message) => {
    const bad = { ...artifact('debian-amd64'), ...change } as Record<string, unknown>;
    for (const key of Object.keys(bad)) if (bad[key] === undefined) delete bad[key];
    expect(validateEntry(entry({ 'debian-amd64': bad as unknown as PrebuiltArtifact })).map((i) => `${i.path} ${i.message}`)).toEqual([message]);
  });

  it('bounds hostile prebuilt maps: platform names, their number, and long strings; the bad entry is left out, the rest stays', () => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`os${i}-amd64`, artifact('x')]));
    expect(validateEntry(entry(many)).map((i) => i.message)).toEqual(['must NOT have more than 64 properties']);
    expect(validateEntry(entry({ '../../etc': artifact('x') })).map((i) => `${i.path} ${i.message}`)).toEqual(['prebuilt.../../etc must match pattern "^[a-z0-9]+-[a-z0-9_]+$"']);
    expect(validateEntry(entry({ [`a-${'b'.repeat(70)}`]: artifact('x') })).map((i) => i.message)).toEqual(['must NOT have more than 64 characters']);
    expect(validateEntry({ ...entry(), prebuilt: [artifact('x')] }).map((i) => `${i.path} ${i.message}`)).toEqual(['prebuilt must be object']);
    const long = { ...entry({ 'debian-amd64': { ...artifact('debian-amd64'), download_url: `${'a'.repeat(9000)}.tar.gz` } }) };
    const good = { ...entry(), version: '1.0.1' };
    const text = JSON.stringify({ version: '1', updated_at: '2026-11-27T12:00:00Z', runtimes: { env: { '1.0.0': long, '1.0.1': good } } });
    const { registry, problems } = parseRegistry(text, 'r.json');
    expect(problems.map((p) => p.message)).toEqual(['env@1.0.0: prebuilt.debian-amd64.download_url is longer than 8192 characters']);
    expect(Object.keys(registry.runtimes.env)).toEqual(['1.0.1']);
  });

  it('are immutable like the package: identical is a no-op, other bytes for a published platform are refused', () => {
    const first = addEntry(emptyRegistry(now), 'env', entry({ 'debian-amd64': artifact('debian-amd64') }), now).registry;
    expect(addEntry(first, 'env', entry({ 'debian-amd64': artifact('debian-amd64') }), now).outcome).toBe('unchanged');
    expect(() => addEntry(first, 'env', entry({ 'debian-amd64': artifact('debian-amd64', 'd') }), now)).toThrowError(UserError);
    expect(() => addEntry(first, 'env', entry({ 'debian-amd64': artifact('debian-amd64', 'd') }), now))
      .toThrowError(`env@1.0.0 is already published with a debian-amd64 environment of checksum ${sha('b')}; the new one has ${sha('d')}`);
  });
});

// Joblet's client decodes registry.json with Go's encoding/json into a struct of the original
// fields. Go's decoder ignores fields it has no struct field for, matches keys to fields
// case-insensitively, and fails the whole Unmarshal when a known field has the wrong JSON type
// (a string into int64, a fraction into int64, a number into []string). This models exactly that:
//
//   type Entry struct { Version, Description, DownloadURL, Checksum string; Size int64; Platforms []string }
//   type Registry struct { Version, UpdatedAt string; Runtimes map[string]json.RawMessage }  // nested or legacy flat
const GO_FIELDS = { version: 'string', description: 'string', download_url: 'string', checksum: 'string', size: 'int64', platforms: '[]string' } as const;
const GO_HEADER = { version: 'string', updated_at: 'string', runtimes: 'object' } as const;
type GoType = 'string' | 'int64' | '[]string' | 'object';

function decodeGoValue(value: unknown, type: GoType, at: string): unknown {
  if (value === null) return type === 'int64' ? 0 : type === 'string' ? '' : null; // null leaves Go's zero value
  const ok = type === 'string' ? typeof value === 'string'
    : type === 'int64' ? Number.isSafeInteger(value)
      : type === '[]string' ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : typeof value === 'object' && !Array.isArray(value);
  if (!ok) throw new Error(`json: cannot unmarshal ${JSON.stringify(value)} into Go struct field ${at} of type ${type}`);
  return value;
}

/** Go's struct decoding: each known field from the key matching it case-insensitively (the last one wins), the rest ignored. */
function decodeGoStruct<T extends Record<string, GoType>>(raw: Record<string, unknown>, fields: T, at: string): Record<keyof T, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = Object.keys(fields).find((f) => f.toLowerCase() === key.toLowerCase());
    if (field) out[field] = decodeGoValue(value, fields[field], `${at}.${field}`);
  }
  return out as Record<keyof T, unknown>;
}

/** What Joblet's Go client gets from a registry file: runtime → version → the six original fields. */
function decodeLikeJoblet(text: string): Record<string, Record<string, Record<string, unknown>>> {
  const header = decodeGoStruct(JSON.parse(text), GO_HEADER, 'Registry');
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [name, value] of Object.entries(header.runtimes as Record<string, Record<string, unknown>>)) {
    const flat = typeof value.download_url === 'string';
    const versions = flat ? { [String(value.version)]: value } : value as Record<string, Record<string, unknown>>;
    out[name] = Object.fromEntries(Object.entries(versions).map(([v, e]) => [v, decodeGoStruct(e as Record<string, unknown>, GO_FIELDS, 'Entry')]));
  }
  return out;
}

describe('a Joblet-shaped client (Go struct of the original fields) reading a registry with prebuilt artifacts', () => {
  const QUIRKS = join(__dirname, '__joblet-quirks__');

  it('the model is strict where Go is: a known field of the wrong type fails the whole decode', () => {
    const base = { version: '1', updated_at: 'x', runtimes: { env: { '1.0.0': entry() } } };
    expect(() => decodeLikeJoblet(JSON.stringify({ ...base, runtimes: { env: { '1.0.0': { ...entry(), size: '12' } } } }))).toThrow(/Entry\.size of type int64/);
    expect(() => decodeLikeJoblet(JSON.stringify({ ...base, runtimes: { env: { '1.0.0': { ...entry(), Platforms: 'x' } } } }))).toThrow(/Entry\.platforms/);
    expect(() => decodeLikeJoblet(JSON.stringify({ ...base, runtimes: { env: { '1.0.0': { ...entry(), SIZE: 1.5 } } } }))).toThrow(/Entry\.size/);
    expect(decodeLikeJoblet(JSON.stringify(base)).env['1.0.0']).toEqual({ version: '1.0.0', description: 'env', download_url: entry().download_url, checksum: sha('a'), size: 1234, platforms: ['debian-amd64', 'ubuntu-amd64'] });
  });

  it('decodes every Joblet fixture, and each fixture rewritten with prebuilt artifacts added, to the same original fields', () => {
    const files = readdirSync(QUIRKS).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const text = readFileSync(join(QUIRKS, file), 'utf8');
      const before = decodeLikeJoblet(text);
      const { registry, problems } = parseRegistry(text, file);
      expect(problems, file).toEqual([]);
      for (const versions of Object.values(registry.runtimes)) {
        for (const e of Object.values(versions)) e.prebuilt = { 'debian-amd64': artifact('debian-amd64'), 'debian-arm64': artifact('debian-arm64', 'c') };
      }
      const written = serializeRegistry(registry);
      expect(written, file).toContain('"prebuilt": {');
      expect(parseRegistry(written, file).problems, file).toEqual([]);
      expect(decodeLikeJoblet(written), file).toEqual(before);
    }
  });

  it('no field Runway adds to an entry collides with an original one under Go\'s case-insensitive matching', () => {
    const text = serializeRegistry(addEntry(emptyRegistry(now), 'env', { ...entry({ 'debian-amd64': artifact('debian-amd64') }), sbom_url: 'x.cdx.json', deprecated: { reason: 'r' } }, now).registry);
    const keys = Object.keys(JSON.parse(text).runtimes.env['1.0.0']);
    const added = keys.filter((k) => !(k in GO_FIELDS));
    expect(added).toEqual(expect.arrayContaining(['prebuilt', 'sbom_url', 'published_at']));
    expect(added.filter((k) => Object.keys(GO_FIELDS).some((f) => f.toLowerCase() === k.toLowerCase()))).toEqual([]);
    expect(decodeLikeJoblet(text).env['1.0.0'].checksum).toBe(sha('a'));
  });
});
