import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@runway/log';
import { pickRenderer, runSteps } from './runner';
import { SkipStep, type ReleaseContext, type Step } from './step';

function context(): ReleaseContext & { logger: ReturnType<typeof memoryLogger> } {
  return { options: {} as ReleaseContext['options'], logger: memoryLogger(), target: {} as ReleaseContext['target'], now: () => new Date(0), workDir: '/nowhere', facts: {} };
}

function step(name: string, mutates: boolean, extra: Partial<Step> = {}): Step & { calls: number } {
  const s = { name, mutates, calls: 0, async run() { s.calls++; }, ...extra };
  return s;
}

describe('runSteps', () => {
  it('runs every step in order and reports each', async () => {
    const a = step('reading', false);
    const b = step('writing', true);
    const results = await runSteps([a, b], context(), { dryRun: false, renderer: 'silent' });
    expect(results).toEqual([{ name: 'reading', status: 'ran' }, { name: 'writing', status: 'ran' }]);
    expect([a.calls, b.calls]).toEqual([1, 1]);
  });

  it('skips mutating steps in dry-run and logs why', async () => {
    const a = step('reading', false);
    const b = step('writing', true);
    const ctx = context();
    await runSteps([a, b], ctx, { dryRun: true, renderer: 'silent' });
    expect([a.calls, b.calls]).toEqual([1, 0]);
    expect(ctx.logger.lines).toContain('writing: skipped (dry run: changes nothing)');
  });

  it('logs a step\'s own skip reason and SkipStep as skips, not failures', async () => {
    const own = step('own', false, { skip: () => 'nothing to do' });
    const thrown = step('thrown', false, { async run() { throw new SkipStep('found it done'); } });
    const ctx = context();
    const results = await runSteps([own, thrown], ctx, { dryRun: false, renderer: 'silent' });
    expect(results.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(ctx.logger.lines).toEqual(['own: skipped (nothing to do)', 'thrown: skipped (found it done)']);
  });

  it('stops at the first failure and lets afterStep abort between steps', async () => {
    const a = step('a', false);
    const b = step('b', true);
    await expect(runSteps([a, b], context(), { dryRun: false, renderer: 'silent', afterStep: (s) => { if (s.name === 'a') throw new Error('killed'); } }))
      .rejects.toThrow('killed');
    expect(b.calls).toBe(0);
  });

  it('uses the plain renderer in CI or without a TTY', () => {
    expect(pickRenderer({}, true)).toBe('default');
    expect(pickRenderer({ CI: 'true' }, true)).toBe('simple');
    expect(pickRenderer({}, false)).toBe('simple');
  });
});
