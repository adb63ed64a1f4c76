import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import schema from '../registry.schema.json';
import { addEntry, emptyRegistry } from './edit-registry';
import { parseRegistry } from './parse-registry';
import { addPayloadEntry, payloadVersions } from './payload-entries';
import { serializeRegistry } from './serialize-registry';
import type { RegistryEntry } from './types';

const T0 = new Date('2025-01-01T00:00:00Z');
const T1 = new Date('2025-03-01T00:00:00Z');

function anEntry(name: string, version: string, hex = 'c'): RegistryEntry {
  return {
    version, description: `${name} ${version}`, download_url: `releases/download/${name}@${version}/${name}-${version}.tar.gz`,
    checksum: `sha256:${hex.repeat(64)}`, size: 10, platforms: [],
  };
}

describe('addPayloadEntry', () => {
  it('lists payloads under their own top-level key, never among the runtimes', () => {
    const withRuntime = addEntry(emptyRegistry(T0), 'python', { ...anEntry('python', '1.0.0', 'a'), platforms: ['ubuntu-amd64'] }, T0).registry;
    const { registry, outcome } = addPayloadEntry(withRuntime, 'python', anEntry('python', '0.1.0'), T1);
    expect(outcome).toBe('added');
    expect(registry.runtimes).toBe(withRuntime.runtimes);
    expect(payloadVersions(registry, 'python')).toEqual({ '0.1.0': anEntry('python', '0.1.0') });
    expect(payloadVersions(withRuntime, 'python')).toEqual({});
    expect(registry.updated_at).toBe('2025-03-01T00:00:00Z');
  });

  it('is idempotent and immutable, like runtime entries', () => {
    const once = addPayloadEntry(emptyRegistry(T0), 'node', anEntry('node', '1.0.0'), T1);
    const twice = addPayloadEntry(once.registry, 'node', anEntry('node', '1.0.0'), new Date('2030-01-01T00:00:00Z'));
    expect(twice).toEqual({ registry: once.registry, outcome: 'unchanged' });
    const conflict = (() => { try { addPayloadEntry(once.registry, 'node', anEntry('node', '1.0.0', 'd'), T1); } catch (e) { return e; } })() as UserError;
    expect(conflict).toBeInstanceOf(UserError);
    expect(conflict.message).toContain(`sha256:${'d'.repeat(64)}`);
    expect(conflict.hint).toContain('payloads/node/manifest.yaml');
    expect(() => addPayloadEntry(emptyRegistry(T0), 'Node', anEntry('node', '1.0.0'), T1)).toThrow('not a valid payload name');
  });
});

describe('payloads in registry.json', () => {
  let registry = addEntry(emptyRegistry(T0), 'bash', { ...anEntry('bash', '5.2.0', 'a'), platforms: ['ubuntu-amd64'] }, T0).registry;
  for (const [name, version] of [['python', '0.10.0'], ['java', '0.1.0'], ['python', '0.9.0']]) {
    registry = addPayloadEntry(registry, name, anEntry(name, version), T1).registry;
  }
  const text = serializeRegistry(registry);

  it('are written after the runtimes, names sorted, versions in semver order, and read back unchanged', () => {
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(['version', 'updated_at', 'runtimes', 'payloads']);
    expect(Object.keys(doc.payloads)).toEqual(['java', 'python']);
    expect(Object.keys(doc.payloads.python)).toEqual(['0.9.0', '0.10.0']);
    expect(Object.keys(doc.runtimes)).toEqual(['bash']);
    const reread = parseRegistry(text, 'registry.json');
    expect(reread.problems).toEqual([]);
    expect(serializeRegistry(reread.registry)).toBe(text);
  });

  it('are accepted by the JSON Schema, with their entries checked like runtime entries', () => {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
    const bad = JSON.parse(text);
    bad.payloads.java['0.1.0'].checksum = 'md5:1';
    expect(validate(bad)).toBe(false);
  });
});
