// Builds the hostinger-orders command line into dist/cli.mjs, which bin/hostinger-orders.mjs runs: the
// TypeScript under lib/ bundled into one ES module by esbuild, npm packages left as imports (they are the
// package's dependencies). `npm install` and `npm ci` run it (the `prepare` script), `npm run build:cli`
// runs it by hand, and vitest runs it before the tests (globalSetup), so the bin tests run today's code.

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The command line's entry point: the only place that names it. */
const ENTRY = 'lib/cli/main.ts';
export const OUTFILE = 'dist/cli.mjs';

export async function buildCli() {
  await build({
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
    entryPoints: [ENTRY],
    outfile: OUTFILE,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    // The oldest Node the package's engines accept: the bin may be started by the machine's own Node.
    target: 'node20.19',
    sourcemap: true,
    logLevel: 'warning',
  });
}

/** vitest's globalSetup hook. */
export const setup = buildCli;

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
