import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/cli.mjs, which bin/hostinger-orders.mjs runs, so the bin tests run the current code.
    globalSetup: ['./scripts/build-cli.mjs'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
