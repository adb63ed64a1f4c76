import { describe, expect, it } from 'vitest';
import { bwrapArgs, jobEnvironment, planMounts, scratchName } from './bwrap-args';
import { parseStatus } from './run-in-runtime';
import type { RuntimeConfig } from './runtime-config';

const config: RuntimeConfig = {
  mounts: [
    { source: 'isolated/usr/local', target: '/usr/local', readonly: true },
    { source: 'isolated/usr', target: '/usr', readonly: true },
    { source: 'isolated/tmp', target: '/tmp', readonly: false },
    { source: 'isolated/var/cache', target: '/var/cache', readonly: false },
  ],
  environment: { PATH: '/usr/bin:/bin', HOME: '/tmp' },
};

describe('bwrap command line', () => {
  it('mounts parents first, read-only binds under the runtime, writable ones as tmpfs', () => {
    expect(planMounts(config, '/rt')).toEqual([
      { kind: 'ro-bind', hostPath: '/rt/isolated/usr', target: '/usr' },
      { kind: 'tmpfs', target: '/tmp' },
      { kind: 'ro-bind', hostPath: '/rt/isolated/usr/local', target: '/usr/local' },
      { kind: 'tmpfs', target: '/var/cache' },
    ]);
  });

  it('binds writable mounts to folders of a scratch directory when one is given', () => {
    expect(planMounts(config, '/rt', '/scratch').filter((m) => m.kind === 'bind')).toEqual([
      { kind: 'bind', hostPath: '/scratch/tmp', target: '/tmp' },
      { kind: 'bind', hostPath: '/scratch/var-cache', target: '/var/cache' },
    ]);
    expect(scratchName('/var/lib/x')).toBe('var-lib-x');
  });

  it('isolates everything, clears the environment and runs the argv as given', () => {
    const args = bwrapArgs({ mounts: planMounts(config, '/rt'), command: ['python3', '-c', 'print(1); import os'], env: jobEnvironment(config, { EXTRA: 'a b' }), cwd: '/tmp', network: false });
    expect(args).toMatchInlineSnapshot(`
      [
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/rt/isolated/usr",
        "/usr",
        "--tmpfs",
        "/tmp",
        "--ro-bind",
        "/rt/isolated/usr/local",
        "/usr/local",
        "--tmpfs",
        "/var/cache",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--remount-ro",
        "/",
        "--clearenv",
        "--setenv",
        "EXTRA",
        "a b",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "PATH",
        "/usr/bin:/bin",
        "--chdir",
        "/tmp",
        "--",
        "python3",
        "-c",
        "print(1); import os",
      ]
    `);
  });

  it('shares the network only when asked', () => {
    const base = { mounts: [], command: ['true'], env: {}, cwd: '/' };
    expect(bwrapArgs({ ...base, network: false })).not.toContain('--share-net');
    expect(bwrapArgs({ ...base, network: true }).slice(0, 2)).toEqual(['--unshare-all', '--share-net']);
  });

  it('lets the caller override the runtime environment, and adds nothing of its own', () => {
    expect(jobEnvironment(config, { HOME: '/work' })).toEqual({ PATH: '/usr/bin:/bin', HOME: '/work' });
    expect(jobEnvironment({ mounts: [], environment: {} })).toEqual({});
  });

  it('reads bwrap status documents, also a truncated last one', () => {
    expect(parseStatus('{ "child-pid": 12, "pid-namespace": 4 }\n{ "exit-code": 3 }\n')).toEqual([{ 'child-pid': 12, 'pid-namespace': 4 }, { 'exit-code': 3 }]);
    expect(parseStatus('{ "child-pid": 12 }\n{ "exit-')).toEqual([{ 'child-pid': 12 }]);
    expect(parseStatus('')).toEqual([]);
  });
});
