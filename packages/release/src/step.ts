import type { Logger } from '@runway/log';

/** What every step list's context has: the logger all output goes through. */
export interface StepContext {
  readonly logger: Logger;
}

/**
 * One step of a workflow (a project release, an umbrella release, an image publish), in
 * goreleaser's shape. The runner runs a list of them in order; it alone decides dry-run.
 */
export interface Step<C extends StepContext> {
  /** Present participle: "publishing assets". */
  readonly name: string;
  /** True when the step changes anything outside this process: the runner skips it in dry-run. */
  readonly mutates: boolean;
  /** A reason to skip, or undefined to run. Must not have side effects. */
  skip?(ctx: C): string | undefined;
  run(ctx: C): Promise<void>;
}

/** Thrown by a step that finds its work already done: logged as a skip, not a failure. */
export class SkipStep extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SkipStep';
  }
}
