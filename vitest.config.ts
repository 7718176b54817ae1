import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/cli.mjs, which bin/hostinger-orders.mjs runs, so the bin tests run the current code.
    globalSetup: ['./scripts/build-cli.mjs'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // `npm run test:coverage`: the whole suite, measured over the code (deployed, CLI and local stack).
    coverage: {
      provider: 'v8',
      include: ['functions/**/*.ts', 'lib/**/*.ts', 'local/**/*.ts', 'bin/**/*.ts'],
      exclude: ['**/*.d.ts'],
      reporter: ['text-summary', 'html'],
      // The figures measured (2026-11-30: 88.84 / 77.6 / 90.9 / 91.37 %), rounded down: coverage may rise, never fall.
      thresholds: { statements: 88, branches: 77, functions: 90, lines: 91 },
    },
  },
});
