import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** The parts of an HTTP request that GitHub's OpenAPI description constrains. */
export interface RequestFacts {
  params: Record<string, string>;
  query: Record<string, string>;
  contentType?: string;
  /** Parsed JSON body, or undefined for bodyless and binary requests. */
  body?: unknown;
}

type Json = Record<string, any>;

// The description is 13 MB; parsing it costs ~150 ms, so it is read once per process (when the
// first server starts) and kept. Validators are compiled per operation on first use.
let spec: Json | undefined;
const validators = new Map<string, ValidateFunction>();
// OpenAPI 3.0 schemas carry `example`, `x-github` and formats Ajv does not know: strict mode would
// reject the description itself, which is not what we are testing.
const bodyAjv = new Ajv({ strict: false, allErrors: true, validateSchema: false, inlineRefs: false });
const paramAjv = new Ajv({ strict: false, allErrors: true, validateSchema: false, inlineRefs: false, coerceTypes: true });
addFormats(bodyAjv);
addFormats(paramAjv);

const SPEC_PATH = require.resolve('@octokit/openapi/generated/api.github.com.json');

/**
 * Reads and parses the description now (once per process), so the first request does not stall
 * for it: a client under test with a tight timeout would take that stall for a lost response.
 */
export async function preloadSpec(): Promise<void> {
  if (spec) return;
  const text = await readFile(SPEC_PATH, 'utf8');
  spec ??= JSON.parse(text) as Json;
}

function loadSpec(): Json {
  spec ??= JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Json;
  return spec;
}

/** The version of GitHub's description the server validates against (e.g. `23.0.2`). */
export function specVersion(): string {
  return String(loadSpec().info.version);
}

function resolve(node: Json): Json {
  if (typeof node?.$ref !== 'string') return node;
  const target = node.$ref.slice(2).split('/').reduce((o: Json, k: string) => o?.[k], loadSpec());
  if (!target) throw new Error(`unresolvable $ref ${node.$ref}`);
  return resolve(target);
}

/**
 * Copies `schema` with exactly the `#/components/...` entries it reaches, so Ajv compiles a few
 * kilobytes instead of registering the whole description.
 */
function bundle(schema: Json): Json {
  const components: Json = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const ref = (node as Json).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/')) {
      const [, , kind, name] = ref.split('/');
      if (!components[kind]?.[name]) {
        (components[kind] ??= {})[name] = loadSpec().components[kind][name];
        walk(components[kind][name]);
      }
    }
    Object.values(node).forEach(walk);
  };
  walk(schema);
  return withTypelessNullable({ ...schema, components });
}

/**
 * A copy of `node` in which OpenAPI's `nullable` next to no `type` (GitHub writes
 * `{ nullable: true, oneOf: [...] }`), which Ajv refuses to compile, becomes `anyOf: [it, null]`.
 */
function withTypelessNullable(node: unknown): any {
  if (Array.isArray(node)) return node.map(withTypelessNullable);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withTypelessNullable(v)])) as Json;
  if (nullable === undefined || 'type' in rest) return nullable === undefined ? rest : { ...rest, nullable };
  return nullable ? { anyOf: [rest, { type: 'null' }] } : rest;
}

function compiled(key: string, ajv: Ajv, schema: () => Json): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(bundle(schema()));
    validators.set(key, v);
  }
  return v;
}

function operation(method: string, template: string): Json {
  const op = loadSpec().paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${template} is not in GitHub's OpenAPI description`);
  return op;
}

function describe(errors: ValidateFunction['errors'], where: string): string[] {
  return (errors ?? []).map((e) => `${where}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params as Json).allowedValues.join(', ')})` : ''}`);
}

function isJson(contentType: string | undefined): boolean {
  return !contentType || /\bjson\b/i.test(contentType);
}

let templates: Array<{ template: string; pattern: RegExp }> | undefined;

/**
 * The operation of GitHub's description that `method path` (an API path without the base, e.g.
 * `/repos/o/r/tags`) calls, as `METHOD template`; undefined when GitHub has no such operation.
 */
export function describedOperation(method: string, path: string): string | undefined {
  templates ??= Object.keys(loadSpec().paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
  }));
  const found = templates.find((t) => t.pattern.test(path) && loadSpec().paths[t.template][method.toLowerCase()]);
  return found && `${method} ${found.template}`;
}

/** Checks a request against the operation `method template`; returns one line per problem. */
export function requestViolations(method: string, template: string, req: RequestFacts): string[] {
  const op = operation(method, template);
  const out: string[] = [];
  const pathItem = loadSpec().paths[template];
  const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
  for (const p of params) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    const source = p.in === 'path' ? req.params : req.query;
    const raw = source[p.name];
    if (raw === undefined) {
      if (p.required) out.push(`${p.in} parameter "${p.name}" is required`);
      continue;
    }
    const v = compiled(`param ${method} ${template} ${p.name}`, paramAjv, () => ({ type: 'object', properties: { value: p.schema } }));
    if (!v({ value: raw })) out.push(...describe(v.errors, `${p.in} parameter "${p.name}"`).map((l) => l.replace('/value', '')));
  }
  const body = op.requestBody && resolve(op.requestBody);
  if (body) {
    const jsonSchema = body.content?.['application/json']?.schema;
    if (jsonSchema) {
      if (req.body === undefined) {
        if (body.required) out.push('a JSON request body is required');
      } else {
        const v = compiled(`request ${method} ${template}`, bodyAjv, () => jsonSchema);
        if (!v(req.body)) out.push(...describe(v.errors, 'request body'));
      }
    }
  }
  return out.map((l) => `${method} ${template}: ${l}`);
}

/**
 * Checks a response. Statuses the operation does not declare are violations for 1xx-3xx; error
 * statuses GitHub may send from anywhere (401, 403, 5xx…) only need GitHub's error shape.
 */
export function responseViolations(method: string, template: string, status: number, contentType: string | undefined, body: unknown): string[] {
  const op = operation(method, template);
  const declared = op.responses[String(status)] ?? op.responses.default;
  const where = `${method} ${template} → ${status}`;
  if (!declared) {
    if (status < 400) return [`${where}: status not declared by the operation`];
    const ok = typeof body === 'object' && body !== null && typeof (body as Json).message === 'string';
    return ok ? [] : [`${where}: error responses must be {"message": string, …}`];
  }
  const response = resolve(declared);
  if (!isJson(contentType)) return [];
  const media = response.content?.['application/json'];
  if (!media?.schema) return [];
  const v = compiled(`response ${method} ${template} ${status}`, bodyAjv, () => media.schema);
  return v(body) ? [] : describe(v.errors, `${where}: response body`);
}
