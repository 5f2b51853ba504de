import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One file at a time: files that start whole services (simulators, child processes, Chromium)
    // starve each other on two cores and share one embedded database server.
    fileParallelism: false,
    env: { NODE_ENV: 'test' },
  },
});
