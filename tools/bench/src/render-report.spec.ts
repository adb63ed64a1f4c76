import { describe, expect, it } from 'vitest';
import { mergeReport, renderSuite, type SuiteReport } from './render-report';
import { result } from './suite';

const machine = { cpus: 2, cpuModel: 'Test CPU', memoryGiB: 8, node: 'v20.20.2', platform: 'linux x64', date: '2025-01-01T00:00:00Z' };
const report = (name: string, value: number): SuiteReport => ({
  name, issue: 'SPEC §3', machine,
  results: [result({ metric: 'throughput', value, baseline: 40, unit: 'MB/s', target: 'ratio ≥ 1.5' }, (_, ratio) => ratio >= 1.5)],
});

describe('renderSuite', () => {
  it('renders a fenced table with ratio and verdict', () => {
    expect(renderSuite(report('pack', 80))).toMatchInlineSnapshot(`
      "<!-- bench:pack -->
      ## pack (SPEC §3)

      Ran 2025-01-01T00:00:00Z on 2 × Test CPU, 8 GiB, Node v20.20.2, linux x64.

      | metric | value | baseline | ratio | target | result |
      |---|---:|---:|---:|---|---|
      | throughput | 80.0 MB/s | 40.0 MB/s | 2.00× | ratio ≥ 1.5 | pass |
      <!-- /bench:pack -->"
    `);
    expect(renderSuite(report('pack', 50))).toContain('| 1.25× | ratio ≥ 1.5 | **FAIL** |');
  });

  it('shows a failed suite instead of numbers', () => {
    expect(renderSuite({ ...report('pack', 1), error: 'boom' })).toContain('**Suite failed:** boom');
  });
});

describe('mergeReport', () => {
  it('replaces the suites that ran, keeps the others, and orders sections by name', () => {
    const before = mergeReport('', [report('pack', 80), report('inference', 1)]);
    const after = mergeReport(before, [report('pack', 90)]);
    expect(after).toContain('| 90.0 MB/s |');
    expect(after).not.toContain('| 80.0 MB/s |');
    expect(after.indexOf('bench:inference')).toBeLessThan(after.indexOf('bench:pack'));
    expect(after.match(/<!-- bench:pack -->/g)).toHaveLength(1);
    expect(mergeReport(after, [report('pack', 90)])).toBe(after);
  });
});
