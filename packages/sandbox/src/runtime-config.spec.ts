import { describe, expect, it } from 'vitest';
import { mountSourceProblem, mountTargetProblem, parseRuntimeConfig } from './runtime-config';

const yml = (mounts: string, environment = '  PATH: "/usr/bin:/bin"\n') => `name: "x"\nversion: "1.0.0"\nmounts:\n${mounts}environment:\n${environment}`;
const mount = (source: string, target: string, readonly = true) => `  - source: "${source}"\n    target: "${target}"\n    readonly: ${readonly}\n`;

describe('parseRuntimeConfig', () => {
  it('reads the Joblet shape written by setup scripts and the environment builder', () => {
    const config = parseRuntimeConfig(yml(mount('isolated/usr', '/usr') + mount('isolated/tmp', '/tmp', false), '  PATH: "/usr/bin:/bin"\n  OMP_NUM_THREADS: 1\n'));
    expect(config).toEqual({
      name: 'x', version: '1.0.0',
      mounts: [{ source: 'isolated/usr', target: '/usr', readonly: true }, { source: 'isolated/tmp', target: '/tmp', readonly: false }],
      environment: { PATH: '/usr/bin:/bin', OMP_NUM_THREADS: '1' },
    });
  });

  it('treats a mount without "readonly" as read-only', () => {
    expect(parseRuntimeConfig('mounts:\n  - source: isolated/usr\n    target: /usr\n').mounts[0].readonly).toBe(true);
  });

  it.each([
    [mount('/etc', '/etc'), 'is absolute'],
    [mount('isolated/../../etc', '/etc'), 'leaves the runtime folder'],
    [mount('../x', '/x'), 'leaves the runtime folder'],
    [mount('isolated//usr', '/usr'), 'not a clean relative path'],
    [mount('./isolated', '/x'), 'not a clean relative path'],
    [mount('isolated/usr', 'usr'), 'not an absolute clean path'],
    [mount('isolated/usr', '/usr/../etc'), 'not an absolute clean path'],
    [mount('isolated/usr', '/usr/'), 'not an absolute clean path'],
    [mount('isolated/usr', '/'), 'not an absolute clean path'],
    [mount('isolated/proc', '/proc'), 'provided by the sandbox'],
    [mount('isolated/dev', '/dev/shm'), 'provided by the sandbox'],
    [mount('isolated/usr', '/usr') + mount('isolated/usr2', '/usr'), 'mounted twice'],
  ])('refuses %j (%s)', (mounts, problem) => {
    expect(() => parseRuntimeConfig(yml(mounts))).toThrow(problem);
  });

  it('lists every problem in one error, with how to fix it', () => {
    let error: Error & { hint?: string } = new Error();
    try {
      parseRuntimeConfig(yml(mount('/etc', '/etc') + mount('isolated/usr', 'usr'), '  "1BAD": x\n'));
    } catch (err) {
      error = err as Error & { hint?: string };
    }
    expect(error.name).toBe('UserError');
    expect(error.message.split('\n  - ')).toHaveLength(4);
    expect(error.hint).toContain('inside its runtime folder');
  });

  it.each([
    ['not: [valid', 'not valid YAML'],
    ['- a\n- list\n', 'must be a mapping'],
    ['mounts: nope\n', '"mounts" must be a list'],
    [`mounts: []\nenvironment: [a]\n`, '"environment" must be a mapping'],
    ['x'.repeat(300 * 1024), 'larger than'],
  ])('refuses a malformed file %#', (text, message) => {
    expect(() => parseRuntimeConfig(text)).toThrow(message);
  });

  it.each([['isolated/usr', undefined], ['isolated', undefined], ['', 'is empty'], ['a/./b', 'not a clean']])('mountSourceProblem(%j)', (source, problem) => {
    if (problem) expect(mountSourceProblem(source)).toContain(problem);
    else expect(mountSourceProblem(source)).toBeUndefined();
  });

  it.each([['/usr/local', undefined], ['/proc/sys', 'provided by the sandbox'], ['/a b', undefined], ['relative', 'not an absolute']])('mountTargetProblem(%j)', (target, problem) => {
    if (problem) expect(mountTargetProblem(target)).toContain(problem);
    else expect(mountTargetProblem(target)).toBeUndefined();
  });
});
