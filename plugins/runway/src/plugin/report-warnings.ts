import type { PostTasksExecution, TaskResults } from '@nx/devkit';
import { emitPluginWorkerLog } from '@nx/devkit/internal';
import type { RunwayPluginOptions } from './options';

/** An issue line as `formatIssues` writes it with severity warning, and its `fix:` line. */
const WARNING = /^\S[^\n]*? {2}warning {2}\[[\w-]+\] {2}[^\n]*\n {4}fix: [^\n]*$/gm;

/** Task outcomes whose output Nx hides by default (failed tasks it shows anyway). */
const HIDDEN = new Set(['success', 'local-cache', 'local-cache-kept-existing', 'remote-cache']);

/**
 * Pure: the warnings of the `validate` tasks that passed (from cache too), as one block to print
 * after the run, or undefined when there are none. Nx shows only failed tasks' output by default
 * (and the terminal UI clears the screen), so a warning, which does not fail its task, would
 * otherwise never be seen; the block names the command that shows the full output.
 */
export function summarizeWarnings(taskResults: TaskResults): string | undefined {
  const found: string[] = [];
  for (const result of Object.values(taskResults)) {
    if (result.task.target.target !== 'validate' || !HIDDEN.has(result.status)) continue;
    for (const block of result.terminalOutput?.replace(/\r\n/g, '\n').match(WARNING) ?? []) found.push(`  ${block.replace(/\n/g, '\n  ')}`);
  }
  if (found.length === 0) return undefined;
  return [
    `Runway: validation passed with ${found.length} warning${found.length === 1 ? '' : 's'}:`,
    ...found,
    `(the tasks' full output: add --output-style=static)`,
  ].join('\n');
}

/**
 * Runs in Nx after every task command: prints {@link summarizeWarnings} through Nx's plugin log
 * channel, which reaches the terminal after Nx's own summary (the TUI included). With the Nx
 * daemon on, Nx runs this hook in the daemon and the line lands in its log instead; Runway
 * workspaces keep the daemon off (`useDaemonProcess: false` in nx.json).
 */
export const postTasksExecution: PostTasksExecution<RunwayPluginOptions> = (_options, context) => {
  const summary = summarizeWarnings(context.taskResults);
  if (summary) emitPluginWorkerLog('warn', summary);
};
