import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** One run of a measured function: what it reports about itself, if anything. */
export interface RunStats {
  /** Peak resident memory of the process doing the work, when the run was a child process. */
  peakRssBytes?: number;
  /** Wall time measured by the run itself (e.g. inside a child, excluding its start-up). */
  ms?: number;
}

export interface Measurement {
  /** Median wall time over the runs. */
  medianMs: number;
  samplesMs: number[];
  /** Highest peak RSS any run reported. */
  peakRssBytes?: number;
}

/**
 * Runs `fn` once to warm caches, then `runs` times, and returns the median wall time (or the median
 * of the times the runs reported themselves) and the highest peak RSS reported.
 */
export async function measure(fn: () => Promise<RunStats | void>, runs: number): Promise<Measurement> {
  await fn();
  const samplesMs: number[] = [];
  let peakRssBytes: number | undefined;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const stats = (await fn()) ?? {};
    samplesMs.push(stats.ms ?? Number(process.hrtime.bigint() - start) / 1e6);
    if (stats.peakRssBytes !== undefined) peakRssBytes = Math.max(peakRssBytes ?? 0, stats.peakRssBytes);
  }
  return { medianMs: median(samplesMs), samplesMs, peakRssBytes };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs a command under GNU `/usr/bin/time` and returns its peak RSS (the largest of the process
 * and its waited-for children) and its stdout. Throws if the command fails.
 */
export async function runTimed(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunStats & { stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'runway-bench-time-'));
  try {
    const report = join(dir, 'rss');
    const { stdout } = await execa('/usr/bin/time', ['-f', '%M', '-o', report, file, ...args], { ...options, stderr: 'inherit' });
    const kib = Number((await readFile(report, 'utf8')).trim().split('\n').pop());
    return { stdout, peakRssBytes: kib * 1024 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
