import { describe, expect, it } from 'vitest';
import { checkProjectFiles } from './check-files';
import type { Manifest } from './types';

const runtime: Manifest = {
  kind: 'runtime', name: 'x', version: '1.0.0', description: '', platforms: ['ubuntu-amd64', 'ubuntu-arm64'], packages: [], aliases: [], dockerfile: 'Dockerfile',
};

describe('checkProjectFiles', () => {
  it('passes when setup.sh and an executable script per platform exist', () => {
    const files = [{ name: 'setup.sh', executable: true }, { name: 'setup-ubuntu-amd64.sh', executable: true }, { name: 'setup-ubuntu-arm64.sh', executable: true }];
    expect(checkProjectFiles(runtime, files, 'runtimes/x')).toEqual([]);
  });

  it('reports a missing setup.sh, a missing platform script and a non-executable one', () => {
    const issues = checkProjectFiles(runtime, [{ name: 'setup-ubuntu-amd64.sh', executable: false }], 'runtimes/x');
    expect(issues.map((i) => [i.rule, i.file])).toEqual([
      ['setup-present', 'runtimes/x/setup.sh'],
      ['platform-script-executable', 'runtimes/x/setup-ubuntu-amd64.sh'],
      ['platform-script-present', 'runtimes/x/setup-ubuntu-arm64.sh'],
    ]);
  });

  it('requires a payload Dockerfile', () => {
    const payload = { ...runtime, kind: 'payload' as const, platforms: [] };
    expect(checkProjectFiles(payload, [], 'payloads/x').map((i) => i.rule)).toEqual(['dockerfile-present']);
    expect(checkProjectFiles(payload, [{ name: 'Dockerfile', executable: false }], 'payloads/x')).toEqual([]);
  });
});
