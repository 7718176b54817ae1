/**
 * Cold start: each function's bundle (built as serverless.yml builds it) against a naive baseline bundled the
 * same way: size, and the time `import()` of the bundle takes in a fresh Node process.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { awsClients, type Bundle, bundle, type DeployedFunction, deployedFunctions, deployedRuntime, ROOT, unusedContent } from './bundles.ts';
import { QUIET_SDK_ENV, runChild } from './child.ts';
import { median } from './stats.ts';

export interface ColdStartConfig {
  /** Imports of each bundle, each in a new process; runs alternate between the bundles. */
  runs: number;
}

export interface BundleFigures {
  name: string;
  bytes: number;
  loadMs: { median: number; min: number; max: number };
  /**
   * Load time against the baseline's: the median over rounds of this bundle's time over the baseline's in the
   * same round, so that the machine's load drifting between rounds cancels out.
   */
  loadRatio: number;
  /** Packages and files in the bundle that the function does not use (none expected). */
  unused: string[];
  /** The AWS SDK clients in the bundle. */
  clients: string[];
  /** The largest packages in the bundle, with their bytes in it. */
  largest: [string, number][];
}

export interface ColdStartResult {
  runs: number;
  /** The Node.js that loaded the bundles ('v24.21.0'), and the Lambda runtime serverless.yml deploys ('nodejs24.x'). */
  node: string;
  runtime: string;
  baseline: BundleFigures;
  functions: BundleFigures[];
}

const run = promisify(execFile);

/** What Lambda would give the functions, with dummy values: they read their configuration when they load. */
const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  ORDERS_TABLE: 'hostinger-orders',
  ORDERS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/hostinger-orders',
  OUTCOMES_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:hostinger-orders-outcomes',
  HOSTINGER_TOKEN_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:hostinger-orders-token-AbCdEf',
  HOSTINGER_API_URL: 'https://developers.hostinger.com',
  ...QUIET_SDK_ENV,
};

/** Measured inside the new process, around the import alone: Node's own start-up is not counted. */
const IMPORT_SCRIPT = `
const started = performance.now();
const module = await import(process.argv[1]);
const elapsed = performance.now() - started;
if (typeof module.handler !== 'function') throw new Error('the bundle exports no handler');
console.log(elapsed);`;

async function importMs(file: string): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href], {
    env: { PATH: process.env.PATH ?? '', ...FUNCTION_ENV },
  });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`importing ${file} printed ${stdout}`);
  return ms;
}

async function main(config: ColdStartConfig): Promise<ColdStartResult> {
  const outDir = await mkdtemp(join(tmpdir(), 'hostinger-orders-bench-'));
  try {
    const baseline = await bundle('naive baseline', join(ROOT, 'bench', 'naive-handler.ts'), outDir);
    const deployed = await deployedFunctions();
    const functions = await Promise.all(deployed.map((fn) => bundle(fn.name, fn.entry, outDir)));
    const all = [baseline, ...functions];
    const samples = new Map(all.map((bundled) => [bundled.name, [] as number[]]));
    for (let i = 0; i < config.runs; i += 1) {
      // Each round starts with a different bundle, so drifting machine load spreads over all of them.
      for (let j = 0; j < all.length; j += 1) {
        const bundled = all[(i + j) % all.length] as Bundle;
        samples.get(bundled.name)?.push(await importMs(bundled.file));
      }
      console.error(`  cold start: round ${i + 1}/${config.runs}`);
    }
    const baselineMs = samples.get(baseline.name) ?? [];
    const figures = (bundled: Bundle, fn?: DeployedFunction): BundleFigures => {
      const ms = samples.get(bundled.name) ?? [];
      return {
        name: bundled.name,
        bytes: bundled.bytes,
        loadMs: { median: median(ms), min: Math.min(...ms), max: Math.max(...ms) },
        loadRatio: median(ms.map((value, round) => value / (baselineMs[round] as number))),
        unused: fn ? unusedContent(bundled, fn) : [],
        clients: awsClients(bundled),
        largest: Object.entries(bundled.packages)
          .sort(([, a], [, b]) => b - a)
          .slice(0, 4),
      };
    };
    return {
      runs: config.runs,
      node: process.version,
      runtime: await deployedRuntime(),
      baseline: figures(baseline),
      functions: functions.map((bundled, i) => figures(bundled, deployed[i])),
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

runChild(main);
