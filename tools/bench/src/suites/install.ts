import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { describeMix, RUNTIME_200MB, writeRuntimeTree } from '../fixtures/runtime-tree';
import { measureInTurn, runTimed, type Measurement } from '../measure';
import { result, type BenchContext, type BenchSuite } from '../suite';

const RUNS = 3;
const MB = 1e6;

/** Serves one file over loopback HTTP for both contenders (any path; also used by the environments suite). */
export async function serveFile(path: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/gzip' });
    createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench-1.0.0.tar.gz`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The measurements of {@link compareInstalls}. */
export interface InstallComparison {
  baseline: Measurement;
  ours: Measurement;
  /** Largest growth of the installing process's RSS over its RSS after loading the modules. */
  growth: number;
}

/**
 * `curl -s URL | tee >(sha256sum) | tar -xz` in bash and `installRuntime` in a child process
 * (`install-child.ts`, time around the call, peak RSS) on the same served package, taking turns,
 * `runs` each after one warm-up, each into a new folder under `ctx.tmpDir`. Before every run the
 * previous one's writes are flushed (`sync`, untimed): otherwise its writeback, gigabytes for a
 * Debian environment, lands in the next run's time, whichever tool that is. The folders are
 * removed only at the end: ext4 checks every inode it allocates against recent deletions, so a
 * run just after removing the last one's tree spent up to twice the system time (seen in `perf`
 * as `recently_deleted` under `ext4_create`).
 */
export async function compareInstalls(ctx: BenchContext, pkg: { url: string; checksum: string; size: number; runs: number; name?: string }): Promise<InstallComparison> {
  const scratch = await mkdtemp(join(ctx.tmpDir, 'installs-'));
  let made = 0;
  const fresh = async (name: string) => {
    const dir = join(scratch, `${name}-${++made}`);
    await mkdir(dir);
    await execa('sync');
    return dir;
  };
  ctx.log('curl | tee >(sha256sum) | tar -xz and installRuntime, in turn');
  let growth = 0;
  const [baseline, ours] = await measureInTurn([
    async () => {
      const dir = await fresh('baseline');
      const start = process.hrtime.bigint();
      await execa('bash', ['-c', 'set -o pipefail; curl -sf "$1" | tee >(sha256sum > "$2/../sum") | tar -xz -C "$2"', 'bench', pkg.url, dir]);
      return { ms: Number(process.hrtime.bigint() - start) / 1e6 };
    },
    async () => {
      const dir = await fresh('ours');
      const run = await runTimed(process.execPath, ['-r', '@runway/ts-register', join(__dirname, '..', 'install-child.ts'), pkg.url, pkg.checksum, String(pkg.size), dir, ...(pkg.name ? [pkg.name] : [])], { cwd: ctx.repoRoot });
      const out = JSON.parse(run.stdout) as { ms: number; rssAfterLoad: number };
      growth = Math.max(growth, run.peakRssBytes! - out.rssAfterLoad);
      return { ms: out.ms, peakRssBytes: run.peakRssBytes };
    },
  ], pkg.runs);
  await rm(scratch, { recursive: true, force: true });
  return { baseline, ours, growth };
}

/**
 * `installRuntime` (download + sha256/size check + safe extraction + receipt) against
 * `curl -s URL | tee >(sha256sum) | tar -xz` on the same package from the same loopback server.
 */
export const suite: BenchSuite = {
  name: 'install',
  issue: 'SPEC §9 consumer client',
  describe: `Input: the packed ${describeMix(RUNTIME_200MB)} Served by node:http on 127.0.0.1. Value: \`installRuntime\` in a child process that loads TypeScript like the \`runway\` CLI does, through \`@runway/ts-register\` (time around the call; peak RSS of the process, and its growth over the RSS after loading the modules); baseline: \`curl -s URL | tee >(sha256sum) | tar -xz\` in bash. Median of ${RUNS} runs after one warm-up, the two taking turns, each into a new folder after a \`sync\` (all removed at the end).`,
  async run(ctx) {
    const { packTarball } = await import('@runway/pack');
    ctx.log('writing and packing the 200 MiB tree');
    await writeRuntimeTree(join(ctx.tmpDir, 'tree'), RUNTIME_200MB);
    const pkg = join(ctx.tmpDir, 'bench-1.0.0.tar.gz');
    const packed = await packTarball({ sourceDir: join(ctx.tmpDir, 'tree'), prefix: 'bench', outFile: pkg });
    await rm(join(ctx.tmpDir, 'tree'), { recursive: true });
    const size = (await stat(pkg)).size;
    const server = await serveFile(pkg);
    try {
      const { baseline, ours, growth } = await compareInstalls(ctx, { url: server.url, checksum: `sha256:${packed.sha256}`, size, runs: RUNS });

      const throughput = (ms: number) => size / MB / (ms / 1000);
      return [
        result({ metric: `install throughput (${(size / MB).toFixed(0)} MB package)`, value: throughput(ours.medianMs), baseline: throughput(baseline.medianMs), unit: 'MB/s', target: 'ratio ≥ 0.8' }, (_, r) => r >= 0.8),
        result({ metric: 'peak RSS of the installing process', value: ours.peakRssBytes! / MB, baseline: NaN, unit: 'MB', target: '< 100 MB' }, (v) => v < 100),
        result({ metric: 'RSS growth during the install (peak − after loading modules)', value: growth / MB, baseline: NaN, unit: 'MB', target: '< 100 MB (streaming, independent of package size)' }, (v) => v < 100),
      ];
    } finally {
      await server.close();
    }
  },
};
