import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measure } from '../measure';
import { result, type BenchSuite } from '../suite';

const RUNS = 15;
const RUNTIMES = 100;
const VERSIONS = 100;

/**
 * Adding one version to a registry of 10,000 (read + parse + validate every entry + add +
 * canonical serialise + atomic write), the work `release` does for every publish.
 */
export const suite: BenchSuite = {
  name: 'registry',
  issue: 'SPEC §4 registry',
  describe: `Input: registry.json with ${RUNTIMES} runtimes × ${VERSIONS} versions (${RUNTIMES * VERSIONS} entries, Joblet-shaped). Value: \`readRegistry\` → \`addEntry\` → \`writeRegistry\` in process, median of ${RUNS} runs after one warm-up. No baseline: the target is absolute.`,
  async run(ctx) {
    const { addEntry, emptyRegistry, serializeRegistry } = await import('@runway/registry');
    const { readRegistry, writeRegistry } = await import('@runway/registry-file');
    let registry = emptyRegistry(new Date(0));
    const entry = (name: string, version: string) => ({
      version, description: `Runtime ${name}`,
      download_url: `https://github.com/acme/runtimes/releases/download/${name}@${version}/${name}-${version}.tar.gz`,
      checksum: `sha256:${(name + version).padEnd(64, '0').replace(/[^0-9a-f]/g, 'a').slice(0, 64)}`,
      size: 123_456, platforms: ['ubuntu-amd64', 'ubuntu-arm64', 'rhel-amd64', 'rhel-arm64', 'amzn-amd64', 'amzn-arm64'],
    });
    const runtimes: typeof registry.runtimes = {};
    for (let r = 0; r < RUNTIMES; r++) {
      const name = `runtime-${r}`;
      runtimes[name] = {};
      for (let v = 0; v < VERSIONS; v++) runtimes[name][`1.${v}.0`] = entry(name, `1.${v}.0`);
    }
    registry = { ...registry, runtimes };
    const file = join(ctx.tmpDir, 'registry.json');
    const original = serializeRegistry(registry);
    ctx.log(`registry of ${(original.length / 1e6).toFixed(1)} MB`);

    const timing = await measure(async () => {
      await writeFile(file, original);
      const start = process.hrtime.bigint();
      const { registry: read, problems } = await readRegistry(file);
      if (problems.length > 0) throw new Error(`bench registry has problems: ${problems[0].message}`);
      const { registry: next } = addEntry(read, 'runtime-0', entry('runtime-0', '2.0.0'), new Date());
      await writeRegistry(file, next);
      return { ms: Number(process.hrtime.bigint() - start) / 1e6 };
    }, RUNS);
    const written = await readFile(file, 'utf8');
    const added = written.split('\n').length - original.split('\n').length;
    // The entry is 15 lines in canonical form (5 scalar fields, 6 platforms, braces); any more means reordering.
    const entryLines = JSON.stringify({ '2.0.0': entry('runtime-0', '2.0.0') }, null, 2).split('\n').length - 2;

    return [
      result({ metric: 'read + add + write, 10,000 versions', value: timing.medianMs, baseline: NaN, unit: 'ms', target: '< 100 ms' }, (v) => v < 100),
      result({ metric: 'lines added by the add', value: added, baseline: entryLines, unit: 'lines', target: 'ratio = 1 (the new entry only)' }, (_, r) => r === 1),
    ];
  },
};
