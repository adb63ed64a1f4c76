import { describe, expect, it } from 'vitest';
import { decideUmbrellaPublication, isOverridableTag, umbrellaTrigger } from './umbrella-tags';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('umbrellaTrigger', () => {
  it.each([
    ['refs/tags/v1.4.0', { kind: 'bulk', tag: 'v1.4.0', version: '1.4.0' }],
    ['refs/tags/v0.1-test', { kind: 'snapshot', tag: 'v0.1-test', rolling: false }],
    ['refs/tags/v1.4.0-rc.1', { kind: 'rc', tag: 'v1.4.0-rc.1', version: '1.4.0' }],
    ['refs/tags/v1.4.0-rc.12', { kind: 'rc', tag: 'v1.4.0-rc.12', version: '1.4.0' }],
    ['refs/tags/v1.4.0-beta.1', { kind: 'snapshot', tag: 'v1.4.0-beta.1', rolling: false }],
    ['refs/tags/v01.2.3', { kind: 'snapshot', tag: 'v01.2.3', rolling: false }],
    ['refs/heads/releases/beta/snapshot-api', { kind: 'snapshot', tag: 'releases-beta-snapshot-api', rolling: true }],
  ])('%s is an umbrella trigger', (ref, expected) => expect(umbrellaTrigger(ref)).toEqual(expected));

  it.each([
    [undefined, 'GITHUB_REF is not set'],
    ['refs/tags/python@1.2.3', 'tag python@1.2.3 is not a v* umbrella tag'],
    ['refs/tags/version-2', 'not a v* umbrella tag'],
    ['refs/heads/main', 'branch main is not a releases/<a>/<b> branch'],
    ['refs/heads/releases/v0.9-beta', 'not a releases/<a>/<b> branch'],
  ])('%s is not', (ref, reason) => {
    const trigger = umbrellaTrigger(ref);
    expect(trigger.kind).toBe('none');
    expect(trigger.kind === 'none' && trigger.reason).toContain(reason);
  });

  it('an explicit --tag wins over the ref and must be an umbrella tag', () => {
    expect(umbrellaTrigger('refs/heads/main', 'v2.0.0')).toEqual({ kind: 'bulk', tag: 'v2.0.0', version: '2.0.0' });
    expect(() => umbrellaTrigger(undefined, 'py@1.0.0')).toThrow('"py@1.0.0" is not an umbrella tag');
  });
});

describe('isOverridableTag', () => {
  it.each([
    ['v0.1-test', ['v0.1-test'], true],
    ['v0.10-daily', ['*-daily'], true],
    ['v0.10-edge', ['*-daily', '*-edge'], true],
    ['v0.1-testing', ['v0.1-test'], false],
    ['v0x1-test', ['v0.1-test'], false],
    ['v1.0.0', ['*-daily'], false],
  ])('%s with %j → %s', (tag, patterns, expected) => expect(isOverridableTag(tag, patterns)).toBe(expected));
});

describe('decideUmbrellaPublication', () => {
  it('creates a new umbrella: tag and release', () => {
    expect(decideUmbrellaPublication({ tag: 'v1.0.0', replaceable: false, head: A })).toEqual({ tag: 'create', release: 'create' });
    expect(decideUmbrellaPublication({ tag: 'v1.0.0', replaceable: false, head: A, tagSha: A })).toEqual({ tag: 'keep', release: 'create' });
  });

  it('replaces an overridable umbrella made elsewhere, moving its tag to the new commit', () => {
    expect(decideUmbrellaPublication({ tag: 'v0.1-test', replaceable: true, head: B, tagSha: A, existing: { commit: A, draft: false } }))
      .toEqual({ tag: 'move', release: 'replace' });
  });

  it('converges in place when re-run on the same commit', () => {
    expect(decideUmbrellaPublication({ tag: 'v1.0.0', replaceable: false, head: A, tagSha: A, existing: { commit: A, draft: false } }))
      .toEqual({ tag: 'keep', release: 'update' });
    expect(decideUmbrellaPublication({ tag: 'v0.1-test', replaceable: true, head: A, tagSha: A, existing: { commit: A, draft: false } }))
      .toEqual({ tag: 'keep', release: 'update' });
  });

  it('replaces a draft left by an interrupted run, even for a fixed tag', () => {
    expect(decideUmbrellaPublication({ tag: 'v1.0.0', replaceable: false, head: A, existing: { draft: true } }))
      .toEqual({ tag: 'create', release: 'replace' });
  });

  it('refuses a fixed tag whose release was made from another commit, naming the tag and the fix', () => {
    expect(() => decideUmbrellaPublication({ tag: 'v1.0.0', replaceable: false, head: B, tagSha: B, existing: { commit: A, draft: false } }))
      .toThrow(`umbrella release v1.0.0 already exists (made from ${A.slice(0, 12)}, this is ${B.slice(0, 12)})`);
    expect(() => decideUmbrellaPublication({ tag: 'v1.0.0', replaceable: false, head: B, existing: { draft: false } }))
      .toThrow('made from an unknown commit');
  });

  it('never moves a fixed tag', () => {
    expect(() => decideUmbrellaPublication({ tag: 'v1.0.0', replaceable: false, head: B, tagSha: A }))
      .toThrow(`umbrella tag v1.0.0 points at ${A.slice(0, 12)}, not at the commit being released`);
  });
});
