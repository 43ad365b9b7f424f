import { defineConfig } from 'vitest/config';

/**
 * The exec and fs end-to-end suites, which CI runs a second time against the unisolated runtime
 * (the fallback where bubblewrap is unavailable) so that runtime cannot rot unnoticed. The suites
 * read E2B_TS_RUNTIME through test/helpers/runtime-mode.ts and adapt their paths to it.
 */
const UNISOLATED_SUITES = ['test/e2e/exec-cli.test.ts', 'test/e2e/fs-cli.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each file starts its own local backend; two at a time keeps a 2-core CI machine responsive.
    // (A run-wide limit: both projects share these two workers.)
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        // every test file, with the runtime the machine offers (bubblewrap in CI)
        extends: true,
        test: { name: 'default', include: ['test/**/*.test.ts'] },
      },
      {
        // the daemon these files start inherits this environment (test/helpers/local-backend.ts)
        extends: true,
        test: { name: 'unisolated', include: UNISOLATED_SUITES, env: { E2B_TS_RUNTIME: 'unisolated' } },
      },
    ],
  },
});
