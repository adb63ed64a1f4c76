/** Background work with a cap on how much runs at once. */
export interface BoundedTasks {
  /** Starts `task` in the background, first waiting while `limit` tasks run. */
  start(task: () => Promise<void>): Promise<void>;
  /** Resolves when every started task has finished. */
  settle(): Promise<void>;
}

/**
 * Runs tasks concurrently, at most `limit` at a time. A task's failure goes to `onError` (tasks
 * never reject `start` or `settle`), so the caller decides whether to stop starting new ones.
 */
export function boundedTasks(limit: number, onError: (err: Error) => void): BoundedTasks {
  const running = new Set<Promise<void>>();
  return {
    async start(task) {
      while (running.size >= limit) await Promise.race(running);
      const done: Promise<void> = task().catch(onError).finally(() => running.delete(done));
      running.add(done);
    },
    async settle() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
