import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface JsonSchema { properties?: Record<string, { description?: string }>; required?: string[]; additionalProperties?: boolean }

const root = join(__dirname);
// `generators/shared` holds code both generators use, not a generator.
const folders = ['executors', 'generators'].flatMap((kind) =>
  readdirSync(join(root, kind), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'shared').map((d) => `${kind}/${d.name}`));

/**
 * Member names of the options interface of a schema.d.ts, with `?` for optional ones: the interface
 * it declares, or the one of a package it aliases (`export type X = Y` with `Y` imported from
 * `@runway/<package>`, found among that package's sources).
 */
function interfaceMembers(dts: string): string[] {
  const members = (source: string, name = '\\w+') => {
    const body = new RegExp(`interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
    return body && [...body.matchAll(/^\s*(\w+)(\??):/gm)].map((m) => `${m[1]}${m[2]}`).sort();
  };
  const own = members(dts);
  if (own) return own;
  const alias = /import type \{ (\w+) \} from '@runway\/([\w-]+)';[\s\S]*= \1;/.exec(dts);
  if (!alias) return [];
  const src = join(root, '../../../packages', alias[2], 'src');
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
    const found = members(readFileSync(join(src, file), 'utf8'), `${alias[1]}`);
    if (found) return found;
  }
  return [];
}

describe.each(folders)('%s/schema.json', (folder) => {
  const schema = JSON.parse(readFileSync(join(root, folder, 'schema.json'), 'utf8')) as JsonSchema;

  it('closes the options and describes every property', () => {
    expect(schema.additionalProperties).toBe(false);
    for (const [name, prop] of Object.entries(schema.properties ?? {})) expect(prop.description, name).toMatch(/\S/);
  });

  it('matches schema.d.ts, including which options are required', () => {
    const required = new Set(schema.required ?? []);
    const fromJson = Object.keys(schema.properties ?? {}).map((n) => (required.has(n) ? n : `${n}?`)).sort();
    expect(interfaceMembers(readFileSync(join(root, folder, 'schema.d.ts'), 'utf8'))).toEqual(fromJson);
  });
});

it('covers every executor and generator listed in executors.json and generators.json', () => {
  const pkg = join(root, '..');
  const listed = [
    ...Object.keys(JSON.parse(readFileSync(join(pkg, 'executors.json'), 'utf8')).executors).map((n) => `executors/${n}`),
    ...Object.keys(JSON.parse(readFileSync(join(pkg, 'generators.json'), 'utf8')).generators).map((n) => `generators/${n}`),
  ].sort();
  expect([...folders].sort()).toEqual(listed);
});
