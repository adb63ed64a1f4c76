import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { loggerStream } from '@runway/log';
import { SkipStep, type Step, type StepContext } from './step';

/** How a step ended. */
export interface StepResult {
  name: string;
  status: 'ran' | 'skipped';
  reason?: string;
}

/**
 * `simple`: listr2's plain progress lines (❯ started, ✔ done, ↓ skipped, ✖ failed), written
 * through the context's logger; `silent`: no progress lines, skips still logged.
 */
export type Renderer = 'simple' | 'silent';

export interface RunStepsOptions<C extends StepContext> {
  /** Skip every mutating step (the only place dry-run is decided). */
  dryRun: boolean;
  renderer: Renderer;
  /** Called after each step that ran or skipped; tests throw here to simulate a crash at a boundary. */
  afterStep?: (step: Step<C>, result: StepResult) => void | Promise<void>;
}

/**
 * Pure: why the runner skips `step`, or undefined to run it. The step's own reason comes first, so
 * a dry-run log explains "already released" rather than only "dry run".
 */
export function skipReason<C extends StepContext>(step: Step<C>, ctx: C, dryRun: boolean): string | undefined {
  const own = step.skip?.(ctx);
  if (own) return own;
  if (dryRun && step.mutates) return 'dry run: changes nothing';
  return undefined;
}

/**
 * The one runner of every Runway workflow: runs `steps` in order through listr2, stopping at the
 * first failure. Every skip is reported with its reason; a step throwing `SkipStep` counts as
 * skipped. listr2 writes its lines into `ctx.logger` (never to the terminal directly), so its
 * failure and skip lines pass the same secret redaction as every other line. It shows plain
 * lines rather than the TTY spinner because the spinner's cursor control cannot go through a
 * line logger; Nx captures task output anyway.
 */
export async function runSteps<C extends StepContext>(steps: readonly Step<C>[], ctx: C, options: RunStepsOptions<C>): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const skipped = async (step: Step<C>, reason: string, task: { skip(message?: string): void }) => {
    if (options.renderer === 'silent') ctx.logger.info(`${step.name}: skipped (${reason})`);
    else task.skip(reason);
    await finish(step, { name: step.name, status: 'skipped', reason });
  };
  const finish = async (step: Step<C>, result: StepResult) => {
    results.push(result);
    await options.afterStep?.(step, result);
  };
  // listr2 types its output as a terminal, but only ever writes to it.
  const stream = loggerStream(ctx.logger) as unknown as NodeJS.WriteStream;
  const listr = new Listr(steps.map((step) => ({
    title: step.name,
    task: async (_: unknown, task: { skip(message?: string): void }) => {
      const reason = skipReason(step, ctx, options.dryRun);
      if (reason) return skipped(step, reason, task);
      try {
        await step.run(ctx);
      } catch (err) {
        if (!(err instanceof SkipStep)) throw err;
        return skipped(step, err.reason, task);
      }
      return finish(step, { name: step.name, status: 'ran' });
    },
  })), {
    renderer: options.renderer,
    exitOnError: true,
    concurrent: false,
    // Our errors carry their own user-facing message; listr must not wrap or collapse them.
    collectErrors: false,
    rendererOptions: { logger: new ListrLogger({ processOutput: new ProcessOutput(stream, stream), useIcons: true }) },
  });
  try {
    await listr.run();
  } finally {
    stream.end();
  }
  return results;
}
