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
  return (await measureInTurn([fn], runs))[0];
}

/**
 * Like `measure` for several functions at once, taking turns (a, b, a, b, …) after one warm-up
 * each, so a drift of the machine during the runs (a disk that slows down, another load) falls on
 * all of them alike instead of on whichever ran last.
 */
export async function measureInTurn(fns: Array<() => Promise<RunStats | void>>, runs: number): Promise<Measurement[]> {
  for (const fn of fns) await fn();
  const samples = fns.map(() => ({ samplesMs: [] as number[], peakRssBytes: undefined as number | undefined }));
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const start = process.hrtime.bigint();
      const stats = (await fn()) ?? {};
      samples[k].samplesMs.push(stats.ms ?? Number(process.hrtime.bigint() - start) / 1e6);
      if (stats.peakRssBytes !== undefined) samples[k].peakRssBytes = Math.max(samples[k].peakRssBytes ?? 0, stats.peakRssBytes);
    }
  }
  return samples.map(({ samplesMs, peakRssBytes }) => ({ medianMs: median(samplesMs), samplesMs, peakRssBytes }));
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
