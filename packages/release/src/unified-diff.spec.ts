import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff';

const labels = { from: 'a', to: 'b' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => expect(unifiedDiff('x\ny\n', 'x\ny\n', labels)).toBe(''));

  it('shows an insertion with three lines of context and correct ranges', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n');
    const after = ['1', '2', '3', '4', 'new', '5', '6', '7', '8'].join('\n');
    expect(unifiedDiff(before, after, labels)).toBe([
      '--- a', '+++ b', '@@ -2,6 +2,7 @@', ' 2', ' 3', ' 4', '+new', ' 5', ' 6', ' 7', '',
    ].join('\n'));
  });

  it('splits distant changes into separate hunks', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const after = [...lines];
    after[1] = 'changed-1';
    after[18] = 'changed-18';
    const diff = unifiedDiff(lines.join('\n'), after.join('\n'), labels);
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).toContain('-l1\n+changed-1');
    expect(diff).toContain('@@ -16,5 +16,5 @@');
  });
});
