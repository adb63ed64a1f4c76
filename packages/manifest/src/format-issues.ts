import type { Issue } from './types';

/** Renders issues as `file:line:col  error  rule  message` plus a `fix:` line each. */
export function formatIssues(issues: Issue[]): string {
  return issues.map((i) => {
    const where = i.line ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
    return `${where}  ${i.severity}  [${i.rule}]  ${i.message}\n    fix: ${i.fix}`;
  }).join('\n');
}
