import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'plugins/*/src/**/*.spec.ts', 'tools/*/src/**/*.spec.ts'],
    // Many specs drive real nx, git, tar and docker processes: give them room and keep the
    // two cores of the CI machine from thrashing.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One build of each Debian environment per run, shared by every spec that needs it.
    globalSetup: ['tools/ci/src/vitest-global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
