import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { boundedTasks } from './bounded-tasks';

describe('boundedTasks', () => {
  it('runs at most `limit` tasks at once, reports failures, and settles after the last one', async () => {
    const errors: string[] = [];
    const tasks = boundedTasks(2, (err) => errors.push(err.message));
    let running = 0;
    let most = 0;
    const finished: number[] = [];
    for (let i = 0; i < 6; i++) {
      await tasks.start(async () => {
        most = Math.max(most, ++running);
        await sleep(5);
        running--;
        if (i === 3) throw new Error('task 3 failed');
        finished.push(i);
      });
    }
    await tasks.settle();
    expect(most).toBe(2);
    expect(finished.sort()).toEqual([0, 1, 2, 4, 5]);
    expect(errors).toEqual(['task 3 failed']);
  });
});
