import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../registry.schema.json';

/** A schema violation at a path relative to the validated value (`checksum`, `platforms.1`, or `` for the value itself). */
export interface SchemaIssue {
  path: string;
  message: string;
}

let validators: { header: ValidateFunction; entry: ValidateFunction } | undefined;

/**
 * Loads ajv and compiles the schema on the first validation, not on import: `@runway/registry` is
 * also imported for `isSemver` and version sorting (e.g. by runtime installs), and ajv with its
 * compiled schema costs about 10 MB of memory and 50 ms there for nothing.
 */
function compiledValidators(): { header: ValidateFunction; entry: ValidateFunction } {
  if (validators) return validators;
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema(schema);
  const compiled = (ref: string): ValidateFunction => {
    const fn = ajv.getSchema(`${schema.$id}${ref}`);
    if (!fn) throw new Error(`registry.schema.json has no ${ref}`);
    return fn;
  };
  validators = { header: compiled('#/definitions/header'), entry: compiled('#/definitions/entry') };
  return validators;
}

function describe(error: ErrorObject): SchemaIssue {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  // A bad key (e.g. a prebuilt platform) is reported at the key, not at the object holding it.
  if (error.propertyName !== undefined) path.push(error.propertyName);
  const message = error.keyword === 'required'
    ? 'is required'
    : error.keyword === 'pattern' && path.at(-1) === 'checksum'
      ? 'must be "sha256:" followed by 64 lowercase hex digits'
      : error.keyword === 'const'
        ? `must be ${JSON.stringify(error.params.allowedValue)}`
        : error.message ?? 'is invalid';
  return { path: path.join('.'), message };
}

function run(fn: ValidateFunction, value: unknown): SchemaIssue[] {
  if (fn(value)) return [];
  // oneOf on `deprecated` reports every branch; keep one issue per path so messages stay short.
  // A bad key is reported at the key, so ajv's summary "property name must be valid" adds nothing.
  const seen = new Set<string>();
  return (fn.errors ?? []).filter((e) => e.keyword !== 'propertyNames').map(describe).filter((i) => !seen.has(i.path) && seen.add(i.path));
}

/** Checks one registry entry against `registry.schema.json#/definitions/entry`. */
export function validateEntry(value: unknown): SchemaIssue[] {
  return run(compiledValidators().entry, value);
}

/** Checks the top level of a registry (format version, updated_at, runtimes object), not the entries. */
export function validateHeader(value: unknown): SchemaIssue[] {
  return run(compiledValidators().header, value);
}
