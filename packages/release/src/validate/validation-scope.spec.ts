import { describe, expect, it } from 'vitest';
import { UserError } from '@runway/errors';
import { outputTail, renderReport } from './validation-report';
import { validationScope } from './validation-scope';
import { verificationRecordOf } from './verification-record-of';

describe('validationScope', () => {
  it.each([
    ['python-3.11@1.3.0', { projects: { kind: 'one', name: 'python-3.11' }, registry: 'main', version: '1.3.0', imageTag: '1.3.0' }],
    ['v1.3.0', { projects: { kind: 'umbrella' }, registry: 'main', version: '1.3.0', imageTag: '1.3.0' }],
    ['v1.3.0-rc.2', { projects: { kind: 'umbrella' }, registry: 'release', version: '1.3.0', imageTag: '1.3.0-rc.2' }],
    ['web@0.4.0-rc.1', { projects: { kind: 'one', name: 'web' }, registry: 'release', version: '0.4.0', imageTag: '0.4.0-rc.1' }],
  ])('%s', (tag, scope) => {
    expect(validationScope(tag)).toEqual({ tag, ...scope });
  });

  it.each(['main', 'v1.2', 'v0.1-test', 'python@01.0.0'])('refuses %s as no release tag (usage, exit 2)', (tag) => {
    expect(() => validationScope(tag)).toThrow(UserError);
    try { validationScope(tag); } catch (err) { expect((err as UserError).exitCode).toBe(2); }
  });
});

describe('report and record', () => {
  const passed = { name: 'alpha', kind: 'runtime' as const, passed: true, installed: 'alpha@1.0.0 (prebuilt environment for debian-amd64)', smoke: ['alpha', '--version'], outputTail: 'alpha 1.0', assets: { 'alpha-1.0.0-debian-amd64.tar.gz': 'a'.repeat(64) } };
  const failed = { name: 'web', kind: 'payload' as const, passed: false, installed: 'r/runenv-web@sha256:1', smoke: ['sh', '-c', 'exit 3'], outputTail: 'boom', reason: 'the smoke command exited with 3', images: { 'r/runenv-web': `sha256:${'b'.repeat(64)}` } };

  it('passes only when every project passed, and lists what was installed and pulled', () => {
    expect(verificationRecordOf('v1.0.0', 'c'.repeat(40), [passed])).toEqual({ tag: 'v1.0.0', commit: 'c'.repeat(40), passed: true, images: {}, assets: passed.assets });
    expect(verificationRecordOf('v1.0.0', 'c'.repeat(40), [passed, failed])).toMatchObject({ passed: false, images: failed.images, assets: passed.assets });
    expect(verificationRecordOf('v1.0.0', 'c'.repeat(40), []).passed).toBe(false);
  });

  it('renders one block per project and the verdict naming the failures', () => {
    const report = renderReport('v1.0.0', 'c'.repeat(40), [passed, failed, { name: 'quiet', kind: 'runtime', passed: true, installed: 'quiet@1.0.0' }]);
    expect(report).toContain('PASSED runtime alpha\n  installed: alpha@1.0.0 (prebuilt environment for debian-amd64)\n  smoke: alpha --version\n  output (tail):\n    alpha 1.0');
    expect(report).toContain('FAILED payload web\n  installed: r/runenv-web@sha256:1\n  smoke: sh -c exit 3\n  reason: the smoke command exited with 3\n  output (tail):\n    boom');
    expect(report).toContain('PASSED runtime quiet\n  installed: quiet@1.0.0\n  installed, no smoke command');
    expect(report.split('\n').at(-1)).toBe(`v1.0.0 (${'c'.repeat(12)}) FAILED: web`);
  });

  it('keeps the last 20 non-empty lines of the output', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n\n');
    expect(outputTail(text).split('\n')).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 10}`));
  });
});
