import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

export interface WorkspacePackage { name: string; dir: string; tags: string[] }
export interface BoundaryViolation { file: string; specifier: string; rule: string }

/** Which package tags each tag may import: pure core code depends on core code only. */
export const ALLOWED_DEPENDENCIES: Record<string, string[]> = {
  'type:core': ['type:core'],
  'type:io': ['type:core', 'type:io'],
  'type:cli': ['type:core', 'type:io', 'type:cli'],
  'type:plugin': ['type:core', 'type:io', 'type:plugin'],
  'type:test': ['type:core', 'type:io', 'type:test'],
  'type:tool': ['type:core', 'type:io', 'type:test', 'type:tool', 'type:plugin'],
};

/**
 * Node modules that reach outside the process (files, processes, network, workers). A `type:core`
 * package takes data and returns data, so its non-spec code imports none of them; I/O lives in
 * `type:io` adapters.
 */
export const IO_MODULES = [
  'fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'dns/promises', 'tls',
  'cluster', 'worker_threads', 'readline', 'os', 'process', 'inspector', 'v8', 'vm',
];

/** Lists the workspace packages under packages/, plugins/ and tools/ with their Nx tags. */
export async function listWorkspacePackages(root: string): Promise<WorkspacePackage[]> {
  const out: WorkspacePackage[] = [];
  for (const group of ['packages', 'plugins', 'tools']) {
    for (const entry of await readdir(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, group, entry.name);
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => 'null'));
      if (pkg) out.push({ name: pkg.name, dir, tags: pkg.nx?.tags ?? [] });
    }
  }
  return out;
}

/**
 * Pure: checks one source file's import specifiers. A relative import must stay inside its own
 * package; a `@runway/*` import must be allowed by the tags of both packages; a core package
 * imports no I/O module. Specs and e2e support files may use test packages.
 */
export function checkImports(file: string, specifiers: string[], own: WorkspacePackage, all: WorkspacePackage[]): BoundaryViolation[] {
  const violations: BoundaryViolation[] = [];
  const byName = new Map(all.map((p) => [p.name, p]));
  const isSpec = file.endsWith('.spec.ts') || file.split(sep).some((dir) => dir === 'e2e' || dir === 'testing');
  const isCore = own.tags.includes('type:core');
  for (const specifier of specifiers) {
    if (isCore && !isSpec && IO_MODULES.includes(specifier.replace(/^node:/, ''))) {
      violations.push({ file, specifier, rule: `${own.name} is type:core (pure): it may not import ${specifier}; move the I/O into a type:io adapter` });
      continue;
    }
    if (specifier.startsWith('.')) {
      const target = resolve(file, '..', specifier);
      if (!(target + sep).startsWith(own.dir + sep)) violations.push({ file, specifier, rule: 'relative import leaves its package: import it by package name' });
      continue;
    }
    const name = specifier.split('/').slice(0, 2).join('/');
    const dep = byName.get(name);
    if (!dep || dep === own) continue;
    if (isSpec && dep.tags.includes('type:test')) continue;
    const allowed = own.tags.flatMap((t) => ALLOWED_DEPENDENCIES[t] ?? []);
    if (!dep.tags.some((t) => allowed.includes(t))) {
      violations.push({ file, specifier, rule: `${own.name} (${own.tags.join(',')}) may not depend on ${dep.name} (${dep.tags.join(',')})` });
    }
  }
  return violations;
}

/** Extracts static and dynamic import specifiers from TypeScript source text. */
export function importSpecifiers(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s+['"]([^'"]+)['"]/g)) found.add(m[1]);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.add(m[1]);
  for (const m of source.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) found.add(m[1]);
  return [...found];
}

/** Checks every TypeScript file of every package. */
export async function checkWorkspaceBoundaries(root: string): Promise<BoundaryViolation[]> {
  const packages = await listWorkspacePackages(root);
  const violations: BoundaryViolation[] = [];
  for (const pkg of packages) {
    for (const file of await listTs(join(pkg.dir, 'src'))) {
      const specifiers = importSpecifiers(await readFile(file, 'utf8'));
      violations.push(...checkImports(file, specifiers, pkg, packages).map((v) => ({ ...v, file: relative(root, v.file) })));
    }
  }
  return violations;
}

async function listTs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'files' || e.name === 'node_modules' ? [] : listTs(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  }));
  return nested.flat();
}
