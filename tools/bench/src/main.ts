import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { mergeReport, renderSuite, type MachineInfo, type SuiteReport } from './render-report';
import type { BenchSuite } from './suite';

const REPO_ROOT = resolve(__dirname, '../../..');
const SUITES_DIR = join(__dirname, 'suites');

/**
 * `bench [--only a,b] [--out FILE]`: runs the suites (all by default), prints each table and merges
 * them into BENCHMARKS.md. Exit 1 when a suite crashes; a missed target is reported, not fatal,
 * because shared machines make single numbers noisy.
 */
export async function main(argv: string[]): Promise<number> {
  const only = valueOf(argv, '--only')?.split(',');
  const out = resolve(valueOf(argv, '--out') ?? join(REPO_ROOT, 'BENCHMARKS.md'));
  const all = await loadSuites();
  const unknown = only?.filter((name) => !all.some((s) => s.name === name)) ?? [];
  if (unknown.length) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; available: ${all.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const selected = all.filter((s) => !only || only.includes(s.name));
  const reports: SuiteReport[] = [];
  for (const suite of selected) {
    const report = await runSuite(suite);
    console.log(`\n${renderSuite(report)}\n`);
    reports.push(report);
  }
  const existing = await readFile(out, 'utf8').catch(() => '');
  await writeFile(out, mergeReport(existing, reports));
  console.log(`wrote ${out}`);
  return reports.some((r) => r.error) ? 1 : 0;
}

/** Every `src/suites/*.ts` that exports `suite`: adding a suite never touches a shared list. */
async function loadSuites(): Promise<BenchSuite[]> {
  const files = (await readdir(SUITES_DIR)).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')).sort();
  return files.map((f) => {
    const mod = require(join(SUITES_DIR, f)) as { suite?: BenchSuite };
    if (!mod.suite) throw new Error(`${join(SUITES_DIR, f)} must export "suite: BenchSuite"`);
    return mod.suite;
  });
}

async function runSuite(suite: BenchSuite): Promise<SuiteReport> {
  const tmpDir = await mkdtemp(join(tmpdir(), `runway-bench-${suite.name}-`));
  const base = { name: suite.name, issue: suite.issue, describe: suite.describe, machine: machineInfo() };
  const started = Date.now();
  try {
    const results = await suite.run({ tmpDir, repoRoot: REPO_ROOT, log: (m) => console.log(`[${suite.name}] ${m}`) });
    console.log(`[${suite.name}] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { ...base, results };
  } catch (err) {
    console.error(err);
    return { ...base, results: [], error: firstLine(err) };
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** Tool errors can carry megabytes of output: the report gets the gist, the console the rest. */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].slice(0, 300);
}

function machineInfo(): MachineInfo {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

function valueOf(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}
