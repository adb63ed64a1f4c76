// Runs one packTarball in a fresh process so the harness can read its peak RSS; prints JSON.
import { packTarball } from '@runway/pack';

const [sourceDir, outFile] = process.argv.slice(2);
// RSS with node, swc and the modules loaded, before any packing: the floor the peak is compared to.
const startRss = process.memoryUsage().rss;
const start = process.hrtime.bigint();
packTarball({ sourceDir, prefix: 'bench', outFile }).then((r) => {
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(JSON.stringify({ ms, sha256: r.sha256, size: r.size, startRss }));
});
