import { describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '@runway/sandbox';
import { runtimeYmlFor, serializeRuntimeYml } from './runtime-yml';
import type { EnvironmentDefinition } from './types';

const definition: EnvironmentDefinition = {
  name: 'python-3.11-ml', version: '1.1.0', description: 'Python "3.11" with ML', platforms: ['debian-amd64'], suite: 'bookworm',
  packages: ['python3-numpy'], environment: { OMP_NUM_THREADS: '1' }, mounts: [],
};
const amd64Top = ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib64', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'];

describe('runtime.yml of a built environment', () => {
  it('has the Joblet shape: read-only system folders, writable tmp, the job environment', () => {
    expect(serializeRuntimeYml(runtimeYmlFor(definition, amd64Top))).toMatchInlineSnapshot(`
      "name: "python-3.11-ml"
      version: "1.1.0"
      description: "Python \\"3.11\\" with ML"
      mounts:
        - source: "isolated/bin"
          target: "/bin"
          readonly: true
        - source: "isolated/sbin"
          target: "/sbin"
          readonly: true
        - source: "isolated/lib"
          target: "/lib"
          readonly: true
        - source: "isolated/lib64"
          target: "/lib64"
          readonly: true
        - source: "isolated/usr"
          target: "/usr"
          readonly: true
        - source: "isolated/etc"
          target: "/etc"
          readonly: true
        - source: "isolated/tmp"
          target: "/tmp"
          readonly: false
      environment:
        PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        HOME: "/tmp"
        LANG: "C.UTF-8"
        OMP_NUM_THREADS: "1"
      "
    `);
  });

  it('mounts lib64 only where the tree has it (arm64 has none)', () => {
    const arm64 = runtimeYmlFor(definition, amd64Top.filter((f) => f !== 'lib64'));
    expect(arm64.mounts.map((m) => m.target)).toEqual(['/bin', '/sbin', '/lib', '/usr', '/etc', '/tmp']);
  });

  it('adds the manifest mounts, a same target replacing the default, and lets the manifest override the environment', () => {
    const yml = runtimeYmlFor({ ...definition, environment: { PATH: '/opt/x/bin:/usr/bin', A: 'b' }, mounts: [{ path: '/var/lib/x', writable: false }, { path: '/tmp', writable: true }, { path: '/var/cache/x', writable: true }] }, ['usr', 'tmp', 'var']);
    expect(yml.mounts).toEqual([
      { source: 'isolated/usr', target: '/usr', readonly: true },
      { source: 'isolated/tmp', target: '/tmp', readonly: false },
      { source: 'isolated/var/lib/x', target: '/var/lib/x', readonly: true },
      { source: 'isolated/var/cache/x', target: '/var/cache/x', readonly: false },
    ]);
    expect(yml.environment).toEqual({ PATH: '/opt/x/bin:/usr/bin', HOME: '/tmp', LANG: 'C.UTF-8', A: 'b' });
  });

  it('is read back unchanged by the sandbox, which runs it (one format, both sides)', () => {
    const yml = runtimeYmlFor({ ...definition, environment: { ODD: 'quote " and \\ backslash: #x' }, mounts: [{ path: '/var/lib/x', writable: false }] }, amd64Top);
    expect(parseRuntimeConfig(serializeRuntimeYml(yml))).toEqual(yml);
  });
});
