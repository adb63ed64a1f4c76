import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { memoryLogger, redactingLogger, secretsFrom } from '@runway/log';
import { releaseTask } from './executor';
import type { ReleaseExecutorSchema } from './schema';

/** What Nx expects per task from a batch implementation. */
export interface BatchTaskResult {
  task: string;
  result: { success: boolean; terminalOutput: string };
}

/**
 * Nx batch entry of `release` (`preferBatch` in executors.json): every release task of one
 * `nx run-many`/`nx affected` runs in this one process, one after the other, instead of one forked
 * process each. Process start-up (loading Nx, swc and the release code) dominates a release that
 * finds nothing to do, so a bulk re-run of hundreds of projects stays cheap. Sequential on purpose:
 * the releases share registry.json. Each task's result is reported as soon as it ends, with its
 * log as the task's terminal output, which Nx prints under the task (so nothing is streamed here,
 * or every line would show twice, and listr2 stays silent: the log already names each action).
 */
export default async function* releaseBatchExecutor(
  taskGraph: TaskGraph,
  inputs: Record<string, ReleaseExecutorSchema>,
  _overrides: ReleaseExecutorSchema,
  context: ExecutorContext,
): AsyncGenerator<BatchTaskResult> {
  const env = process.env;
  const secrets = secretsFrom(env);
  // Release tasks have no dependencies on each other; a stable order keeps logs comparable.
  for (const taskId of Object.keys(taskGraph.tasks).sort()) {
    const task = taskGraph.tasks[taskId];
    const projectRoot = context.projectsConfigurations.projects[task.target.project].root;
    const log = memoryLogger();
    const success = await releaseTask(inputs[taskId], {
      workspaceRoot: context.root, projectRoot, env, logger: redactingLogger(log, secrets), renderer: 'silent',
    });
    yield { task: taskId, result: { success, terminalOutput: `${log.lines.join('\n')}\n` } };
  }
}
