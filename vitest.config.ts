import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The suites start loopback servers; two cores are plenty for two forks.
    pool: 'forks',
    restoreMocks: true,
  },
});
