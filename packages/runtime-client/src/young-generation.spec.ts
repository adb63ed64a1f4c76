import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@runway/test-utils';

/**
 * A fresh node process whose allocations keep surviving scavenges (a ring of 100,000 live
 * objects, replaced one by one), as an install's entries in flight do: the young generation's
 * size (MB) after a first round and after ten more, with or without `stopYoungGenerationGrowth` first.
 */
async function youngGenerationSizes(stop: boolean): Promise<{ first: number; last: number }> {
  const script = `
    const v8 = require('node:v8');
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
    if (${stop}) require(${JSON.stringify(join(__dirname, 'young-generation.ts'))}).stopYoungGenerationGrowth();
    const ring = new Array(100_000);
    const churn = (n) => { for (let i = 0; i < n; i++) ring[i % ring.length] = { i, name: 'entry/' + i }; };
    churn(500_000);
    const first = size();
    churn(5_000_000);
    console.log(JSON.stringify({ first, last: size() }));`;
  const r = await execa(process.execPath, ['--require', join(REPO_ROOT, 'packages/ts-register/register.js'), '-e', script], { cwd: REPO_ROOT });
  return JSON.parse(r.stdout);
}

describe('stopYoungGenerationGrowth', () => {
  it('keeps the young generation from growing while surviving allocations go on', async () => {
    const kept = await youngGenerationSizes(true);
    expect(kept.last).toBe(kept.first);
    // The same work without it grows the young generation beyond that: the call is what keeps it.
    const grown = await youngGenerationSizes(false);
    expect(grown.last).toBeGreaterThan(kept.last);
  });
});
