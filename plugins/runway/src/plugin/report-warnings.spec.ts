import type { TaskResult, TaskResults } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { formatIssues, type Issue } from '@runway/manifest';
import { summarizeWarnings } from './report-warnings';

const warning: Issue = {
  severity: 'warning', file: 'runtimes/copy/manifest.yaml', line: 1, column: 7, rule: 'name-matches-folder',
  message: 'name "python-3.11-ml" differs from its folder "copy"', fix: 'rename the folder to "python-3.11-ml" or set "name: copy"',
};
const error: Issue = { ...warning, severity: 'error', rule: 'version-format', message: 'version "1.0" has 2 parts', fix: 'write 1.0.0' };

function result(project: string, target: string, status: TaskResult['status'], terminalOutput: string): [string, TaskResult] {
  const id = `${project}:${target}`;
  return [id, { task: { id, target: { project, target }, overrides: {}, outputs: [], parallelism: true } as unknown as TaskResult['task'], status, code: 0, terminalOutput }];
}

describe('summarizeWarnings', () => {
  it('repeats the warnings of validate tasks whose output Nx hides, as the validate executor printed them', () => {
    const printed = `${formatIssues([warning])}\ncopy: valid (1 warning(s))\n`;
    const results: TaskResults = Object.fromEntries([
      result('copy', 'validate', 'success', printed),
      result('cached', 'validate', 'local-cache', printed.replace(/copy/g, 'other').replace(/\n/g, '\r\n')),
      // Failed tasks' output is on screen already, other targets are not ours, clean ones have nothing to say.
      result('broken', 'validate', 'failure', formatIssues([warning, error])),
      result('copy', 'build', 'success', printed),
      result('fine', 'validate', 'success', 'fine: valid\n'),
    ]);
    expect(summarizeWarnings(results)).toBe([
      'Runway: validation passed with 2 warnings:',
      '  runtimes/copy/manifest.yaml:1:7  warning  [name-matches-folder]  name "python-3.11-ml" differs from its folder "copy"',
      '      fix: rename the folder to "python-3.11-ml" or set "name: copy"',
      '  runtimes/other/manifest.yaml:1:7  warning  [name-matches-folder]  name "python-3.11-ml" differs from its folder "other"',
      '      fix: rename the folder to "python-3.11-ml" or set "name: other"',
      "(the tasks' full output: add --output-style=static)",
    ].join('\n'));
  });

  it('says nothing when no validate task warned', () => {
    expect(summarizeWarnings(Object.fromEntries([result('fine', 'validate', 'success', 'fine: valid\n')]))).toBeUndefined();
    expect(summarizeWarnings({})).toBeUndefined();
  });
});
