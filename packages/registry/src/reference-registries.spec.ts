import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import compare from 'semver/functions/compare';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, testdir } from '@runway/test-utils';
import { parseRegistry } from './parse-registry';
import { serializeRegistry } from './serialize-registry';

// Our own fixtures reproduce each quirk of the real Joblet registries, so every environment keeps
// this coverage; the real files are checked too whenever they sit beside the clone.
const FIXTURES = join(__dirname, '__joblet-quirks__');
const REFERENCE = process.env.RUNWAY_REFERENCE_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'reference');
const hasReference = existsSync(join(REFERENCE, 'joblet-registry-current.json'));
const NEEDS_REFERENCE = `skipped unless ${REFERENCE} (the real Joblet registries, ../shared/reference beside the clone) exists`;

const BASE_FIELDS = ['version', 'description', 'download_url', 'checksum', 'size', 'platforms'];
type Doc = { version: string; runtimes: Record<string, Record<string, Record<string, unknown>>> };

const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** The real files: the current registry and every committed version of its history. */
function referenceFiles(): string[] {
  const history = join(REFERENCE, 'joblet-registry-history');
  return [join(REFERENCE, 'joblet-registry-current.json'), ...readdirSync(history).sort().map((f) => join(history, f))];
}

/** Is `runtimes.<name>` one entry (the legacy flat form) rather than a version map? */
const isFlat = (value: Record<string, unknown>) => typeof value.download_url === 'string';

/** What a client that knows only the base format sees: runtime → version → the base fields. */
function baseView(text: string): unknown {
  const doc = JSON.parse(text) as Doc;
  const view: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(doc.runtimes)) {
    const versions = isFlat(value) ? { [String(value.version)]: value as Record<string, unknown> } : value;
    view[name] = Object.fromEntries(Object.entries(versions).map(([v, e]) => [v, Object.fromEntries(BASE_FIELDS.map((k) => [k, e[k]]))]));
  }
  return { version: doc.version, runtimes: view };
}

/** Reads with no problems; a rewrite keeps what a base-format client sees, and is canonical. */
function expectReadsAndRoundTrips(text: string, source: string): void {
  const { registry, problems } = parseRegistry(text, source);
  expect(problems, source).toEqual([]);
  const written = serializeRegistry(registry);
  expect(baseView(written), source).toEqual(baseView(text));
  expect(serializeRegistry(parseRegistry(written, source).registry), source).toBe(written);
  for (const key of Object.keys(JSON.parse(text)).filter((k) => k.startsWith('_'))) {
    expect(registry[key as keyof typeof registry], `${source} ${key}`).toBe(JSON.parse(text)[key]);
  }
}

/** `runway runtime list --json` through the real CLI, with a private HOME. */
async function listThroughCli(file: string): Promise<unknown> {
  const home = await testdir();
  const run = await execa(join(REPO_ROOT, 'node_modules', '.bin', 'runway'), ['runtime', 'list', '--registry', file, '--json'], {
    reject: false, extendEnv: false,
    env: { HOME: home, RUNWAY_CACHE_DIR: join(home, 'cache'), RUNWAY_CONFIG: join(home, 'registries.yaml'), CI: '1', PATH: process.env.PATH },
  });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.stdout);
}

/**
 * The shapes of one file that a reader could trip over: header keys and their order, flat or
 * nested runtimes, entry key orders, release tag forms in download URLs, platforms, the final
 * newline, extreme sizes.
 */
function shapesOf(text: string): Set<string> {
  const doc = JSON.parse(text) as Doc;
  const shapes = new Set([`header:${Object.keys(doc).join(',')}`, `version:${typeof doc.version}`, `final-newline:${text.endsWith('\n')}`]);
  for (const value of Object.values(doc.runtimes)) {
    shapes.add(`form:${isFlat(value) ? 'flat' : 'nested'}`);
    const entries = isFlat(value) ? [value as Record<string, unknown>] : Object.values(value);
    for (const entry of entries) {
      shapes.add(`entry:${Object.keys(entry).join(',')}`);
      const tag = /\/releases\/download\/([^/]+)\//.exec(String(entry.download_url))?.[1] ?? 'none';
      shapes.add(`url-tag:${tag.startsWith('v') ? 'v<version>' : tag.includes('@') ? '<name>@<version>' : tag}`);
      for (const platform of entry.platforms as string[]) shapes.add(`platform:${platform}`);
      if (entry.size === 0) shapes.add('size:0');
    }
  }
  return shapes;
}

describe('Joblet registry quirks, from our own fixtures (every environment)', () => {
  it('reads the legacy flat form as one version per runtime, and rewrites it nested', async () => {
    const text = fixture('legacy-flat.json');
    expectReadsAndRoundTrips(text, 'legacy-flat.json');
    const { registry } = parseRegistry(text, 'legacy-flat.json');
    expect(Object.fromEntries(Object.entries(registry.runtimes).map(([n, v]) => [n, Object.keys(v)]))).toEqual({ 'lang-3.11': ['1.0.2'], 'vm-21': ['1.0.3'] });
    expect(JSON.parse(serializeRegistry(registry)).runtimes['vm-21']['1.0.3'].version).toBe('1.0.3');
    expect(await listThroughCli(join(FIXTURES, 'legacy-flat.json'))).toEqual([
      { name: 'lang-3.11', versions: ['1.0.2'], latest: '1.0.2' },
      { name: 'vm-21', versions: ['1.0.3'], latest: '1.0.3' },
    ]);
  });

  it('keeps the generated header (_comment, _generated_by, _workflow) and rewrites byte-identically but for the final newline', async () => {
    const text = fixture('generated-header.json');
    expect(text.endsWith('\n')).toBe(false);
    expectReadsAndRoundTrips(text, 'generated-header.json');
    const written = serializeRegistry(parseRegistry(text, 'generated-header.json').registry);
    expect(written).toBe(`${text}\n`);
    expect(Object.keys(JSON.parse(written)).slice(0, 4)).toEqual(['_comment', '_generated_by', '_workflow', 'version']);
    expect(await listThroughCli(join(FIXTURES, 'generated-header.json'))).toEqual([
      { name: 'lang-3.11', versions: ['1.0.2', '1.0.3', '1.2.0'], latest: '1.2.0' },
      { name: 'lang-3.11-extra', versions: ['1.0.2', '1.0.3'], latest: '1.0.3' },
    ]);
  });

  it('reads versions released under umbrella v-tags and <name>@<version> tags side by side, sizes from 0 to ~300 MB', async () => {
    const text = fixture('mixed-release-urls.json');
    expectReadsAndRoundTrips(text, 'mixed-release-urls.json');
    expect(serializeRegistry(parseRegistry(text, 'mixed-release-urls.json').registry)).toBe(text);
    expect(await listThroughCli(join(FIXTURES, 'mixed-release-urls.json'))).toEqual([
      { name: 'gpu-lang', versions: ['1.0.2', '1.3.1', '1.3.2'], latest: '1.3.2' },
      { name: 'vm-21', versions: ['1.3.1'], latest: '1.3.1' },
    ]);
  });
});

describe('the real Joblet registries in ../shared/reference', () => {
  it.skipIf(!hasReference)(`every file reads with no problems and round-trips (${NEEDS_REFERENCE})`, () => {
    const files = referenceFiles();
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expectReadsAndRoundTrips(text, file);
      // Joblet writes the same canonical order, so a rewrite changes at most the final newline.
      expect(serializeRegistry(parseRegistry(text, file).registry), file).toBe(`${text.trimEnd()}\n`);
    }
  });

  it.skipIf(!hasReference)(`runway runtime list shows the current one in semver order with the right latest (${NEEDS_REFERENCE})`, async () => {
    const current = join(REFERENCE, 'joblet-registry-current.json');
    const doc = JSON.parse(readFileSync(current, 'utf8')) as Doc;
    const expected = Object.keys(doc.runtimes).sort().map((name) => {
      const versions = Object.keys(doc.runtimes[name]).sort(compare);
      return { name, versions, latest: versions.at(-1) };
    });
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(await listThroughCli(current)).toEqual(expected);
  });

  it.skipIf(!hasReference)(`our fixtures still reproduce every shape the real files have (${NEEDS_REFERENCE})`, () => {
    const covered = new Set(readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).flatMap((f) => [...shapesOf(fixture(f))]));
    const real = new Set(referenceFiles().flatMap((f) => [...shapesOf(readFileSync(f, 'utf8'))]));
    expect([...real].filter((shape) => !covered.has(shape))).toEqual([]);
  });
});
