import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, testdir, tgzBytes } from '@runway/test-utils';

/**
 * A fresh node process that first runs `setup` (awaited), then keeps allocating objects that
 * survive scavenges (a ring of 100,000 live objects, replaced one by one), as an install's entries
 * in flight do: the young generation's size (MB) after a first round and after ten more.
 */
async function youngGenerationSizes(setup: string): Promise<{ first: number; last: number }> {
  const script = `
    const v8 = require('node:v8');
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
    (async () => {
      ${setup}
      const ring = new Array(100_000);
      const churn = (n) => { for (let i = 0; i < n; i++) ring[i % ring.length] = { i, name: 'entry/' + i }; };
      churn(500_000);
      const first = size();
      churn(5_000_000);
      console.log(JSON.stringify({ first, last: size() }));
    })();`;
  const r = await execa(process.execPath, ['--require', join(REPO_ROOT, 'packages/ts-register/register.js'), '-e', script], { cwd: REPO_ROOT });
  return JSON.parse(r.stdout);
}

const requireHere = (file: string) => `require(${JSON.stringify(join(__dirname, file))})`;

describe('stopYoungGenerationGrowth', () => {
  it('keeps the young generation from growing while surviving allocations go on, also once a runtime was installed', async () => {
    // The control: the same work without it grows the young generation (to V8's cap within the first round).
    const grown = await youngGenerationSizes('');
    const kept = await youngGenerationSizes(`${requireHere('young-generation.ts')}.stopYoungGenerationGrowth();`);
    expect(kept.last).toBe(kept.first);
    expect(kept.last).toBeLessThan(grown.last);

    // installRuntime applies it to the process it runs in.
    const pkg = tgzBytes([{ path: 'py/', type: '5' }, { path: 'py/setup.sh', content: 'true\n', mode: 0o755 }]);
    const root = await testdir({ 'py.tar.gz': pkg });
    const request = {
      name: 'py', version: '1.0.0', url: `file://${join(root, 'py.tar.gz')}`, checksum: `sha256:${createHash('sha256').update(pkg).digest('hex')}`, size: pkg.length,
      dir: join(root, 'rt'), maxBytes: 1 << 20, maxEntries: 10, idleTimeoutMs: 5000,
    };
    const installed = await youngGenerationSizes(`
      const logger = { info() {}, warn() {}, error() {} };
      await ${requireHere('install-runtime.ts')}.installRuntime({ ...${JSON.stringify(request)}, logger, now: () => new Date(0) });`);
    expect(installed.last).toBe(installed.first);
    expect(installed.last).toBeLessThan(grown.last);
  });
});
