import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each file starts its own local backend; two at a time keeps a 2-core CI machine responsive.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
