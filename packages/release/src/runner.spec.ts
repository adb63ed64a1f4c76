import { describe, expect, it } from 'vitest';
import { memoryLogger, redactingLogger, secretsFrom } from '@runway/log';
import { runSteps } from './runner';
import { SkipStep, type Step, type StepContext } from './step';

type Ctx = StepContext & { logger: ReturnType<typeof memoryLogger> };

function context(): Ctx {
  return { logger: memoryLogger() };
}

function step(name: string, mutates: boolean, extra: Partial<Step<Ctx>> = {}): Step<Ctx> & { calls: number } {
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

  it('writes listr2\'s progress, skip and failure lines through the logger, so they pass redaction', async () => {
    const secret = 'ghp_listrLineSecret0123456789';
    const lines = memoryLogger();
    const ctx = { logger: redactingLogger(lines, secretsFrom({ GITHUB_TOKEN: secret })) };
    const skipped: Step<typeof ctx> = { name: 'looking', mutates: false, async run() { throw new SkipStep(`found ${secret} already`); } };
    const failing: Step<typeof ctx> = { name: 'pushing', mutates: true, async run() { throw new Error(`push to https://x:${secret}@example.com failed`); } };
    await expect(runSteps([skipped, failing], ctx, { dryRun: false, renderer: 'simple' })).rejects.toThrow(secret);
    const out = lines.lines.join('\n');
    expect(out).toMatch(/looking \[SKIPPED: found \*\*\* already\]/);
    expect(out).toMatch(/pushing \[FAILED: push to https:\/\/x:\*\*\*@example\.com failed\]/);
    expect(out).not.toContain(secret);
  });
});
