import type { FixtureFile } from '@runway/test-utils';

/** Files of a minimal valid runtime `runtimes/<name>/` for release tests. */
export function runtimeFiles(name: string, version = '1.0.0', setup = 'echo setting up\n'): Record<string, FixtureFile> {
  return {
    [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: "${name} test runtime"\nplatforms:\n  - ubuntu-amd64\n`,
    [`runtimes/${name}/setup.sh`]: { content: `#!/bin/sh\n${setup}`, mode: 0o755 },
    [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
  };
}

/** Files of a minimal valid payload `payloads/<name>/` (manifest, Dockerfile, one context file). */
export function payloadFiles(name: string, version = '0.1.0'): Record<string, FixtureFile> {
  return {
    [`payloads/${name}/manifest.yaml`]: `name: ${name}\nversion: ${version}\ndescription: "${name} test payload"\n`,
    [`payloads/${name}/Dockerfile`]: 'FROM scratch\nCOPY rootfs/ /\n',
    [`payloads/${name}/rootfs/etc/${name}.conf`]: `${name}=1\n`,
  };
}
