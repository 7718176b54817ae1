import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle, deployedFunctions, isLocalOnly, LOCAL_ONLY_PACKAGES, ROOT } from '../bench/bundles.ts';

/**
 * Bundle purity: each function serverless.yml deploys, bundled with esbuild as serverless-esbuild does
 * (custom.esbuild), holds no local-stack, CLI, test or bench file and no local-only package.
 */
const outDir = await mkdtemp(join(tmpdir(), 'hostinger-orders-bundles-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

const functions = await deployedFunctions();

describe('Lambda bundles', () => {
  it('cover every deployed function', () => {
    expect(functions.map((fn) => fn.name)).toEqual(expect.arrayContaining(['createOrder', 'getOrder', 'orderWorker', 'runBatch']));
  });

  it.each(functions.map((fn) => [fn.name, fn] as const))(
    '%s holds no local-only code',
    async (name, fn) => {
      const bundled = await bundle(name, fn.entry, outDir);
      // The inputs are read right: the entry point itself is among them.
      expect(bundled.projectFiles).toContain(relative(ROOT, fn.entry));
      expect(bundled.projectFiles.filter(isLocalOnly)).toEqual([]);
      expect(Object.keys(bundled.packages).filter((pkg) => LOCAL_ONLY_PACKAGES.includes(pkg))).toEqual([]);
    },
    60_000,
  );

  it('would notice local-only code', () => {
    expect(['local/stack.ts', 'lib/cli/main.ts', 'test/support/local-stack.ts', 'bench/run.ts', 'lib/worker/wiring.ts'].filter(isLocalOnly)).toEqual([
      'local/stack.ts',
      'lib/cli/main.ts',
      'test/support/local-stack.ts',
      'bench/run.ts',
    ]);
  });
});
