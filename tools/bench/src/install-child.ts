// Runs one `installRuntime` in a fresh process so the harness can read its peak RSS; prints JSON.
// Its own file so the measured process loads what the CLI's install loads, not the harness (execa).
import { installRuntime } from '@runway/runtime-client';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES } from '@runway/safe-archive';

// The runtime's name (its package's top folder) is optional: `bench` for the synthetic package.
const [url, checksum, size, dir, name = 'bench'] = process.argv.slice(2);
// RSS with node, the TypeScript loader and the modules loaded: what the install's growth is measured from.
const rssAfterLoad = process.memoryUsage().rss;
const start = process.hrtime.bigint();
installRuntime({
  name, version: '1.0.0', url, checksum, size: Number(size), dir,
  maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES, idleTimeoutMs: 60_000,
  logger: { info: () => undefined, warn: (m) => console.error(m), error: (m) => console.error(m) }, now: () => new Date(),
}).then((r) => {
  console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - start) / 1e6, rssAfterLoad, files: r.entries }));
});
