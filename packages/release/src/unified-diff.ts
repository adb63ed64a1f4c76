import { structuredPatch } from 'diff';

/**
 * Pure: a unified diff (3 lines of context) between two texts, or '' when they are equal. jsdiff's
 * Myers diff costs O(N·D): a registry of thousands of lines with one new entry and a new
 * `updated_at` stays cheap (a full LCS table of the region between those two changes grew with
 * the square of the registry and dominated bulk releases).
 */
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }, context = 3): string {
  if (before === after) return '';
  const { hunks } = structuredPatch(labels.from, labels.to, before, after, undefined, undefined, { context });
  const lines = [`--- ${labels.from}`, `+++ ${labels.to}`];
  for (const hunk of hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    // The "\ No newline at end of file" markers are patch(1) syntax, not something a reader of the plan needs.
    lines.push(...hunk.lines.filter((line) => !line.startsWith('\\')));
  }
  return `${lines.join('\n')}\n`;
}
