import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // smoke.test.ts builds dist/ first when it is stale.
    hookTimeout: 120_000,
    // Two workers even on two cores (vitest's default there is one): many tests wait on child processes (Node.js programs, the browser, the binary).
    maxWorkers: 2,
    minWorkers: 1,
  },
});
