/**
 * Cold start: each function's bundle (built as serverless.yml builds it) against the same function bundled
 * naively, and against a fixed naive worker bundled like the functions: size, and the time `import()` of the
 * bundle takes in a fresh Node process that has loaded what Lambda's runtime loads before the handler.
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

/** A function's bundle, against the same code bundled naively and against the fixed naive worker. */
export interface FunctionFigures extends BundleFigures {
  /** The function's own code bundled naively (bundles.ts, LEAN_KEYS): its bytes and load time. */
  naive: { bytes: number; loadMs: number };
  /** Load time against the fixed naive worker's (loadRatio is against the function's own naive bundle). */
  workerLoadRatio: number;
}

export interface ColdStartResult {
  runs: number;
  /** The Node.js that loaded the bundles ('v24.21.0'), and the Lambda runtime serverless.yml deploys ('nodejs24.x'). */
  node: string;
  runtime: string;
  /** The built-ins loaded before each import, as Lambda's runtime has loaded them before it imports a handler. */
  preloaded: string[];
  /** The fixed naive worker (bench/naive-handler.ts). */
  baseline: BundleFigures;
  functions: FunctionFigures[];
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

/**
 * The Node built-ins Lambda's Node.js runtime has loaded before it imports the handler, so a function's cold
 * start does not pay for them. From the runtime interface client, github.com/aws/aws-lambda-nodejs-runtime-interface-client,
 * as rewritten for nodejs24.x (PR #161, commit 90b5b5b): its entry (src/worker/ignition.ts) requires
 * node:worker_threads, and imports, at module level, the RAPID client (src/client/rapid-client.ts requires node:http
 * for the Runtime API), the response stream (node:net), the telemetry logger (node:fs) and the module loader
 * (node:path; node:module for its require), all before `createRuntime` awaits `UserFunctionLoader.load`, which
 * imports the handler with import(). (The earlier client, v3.3.0, also required node:http before the handler.)
 * On Node 24 node:http alone takes about 20 ms to load: it brings undici and the web streams.
 */
export const RUNTIME_PRELOADED: string[] = ['node:module', 'node:worker_threads', 'node:path', 'node:fs', 'node:net', 'node:http'];

/**
 * Measured inside the new process, around the import alone: Node's own start-up and the built-ins the Lambda
 * runtime has already loaded (RUNTIME_PRELOADED, loaded first in every process, the baseline's included) are
 * not counted.
 */
const IMPORT_SCRIPT = `
for (const builtin of ${JSON.stringify(RUNTIME_PRELOADED)}) await import(builtin);
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
    const naives = await Promise.all(deployed.map((fn) => bundle(`${fn.name} (naive)`, fn.entry, outDir, 'naive')));
    const all = [baseline, ...functions, ...naives];
    const samples = new Map(all.map((bundled) => [bundled.name, [] as number[]]));
    for (let i = 0; i < config.runs; i += 1) {
      // Each round starts with a different bundle, so drifting machine load spreads over all of them.
      for (let j = 0; j < all.length; j += 1) {
        const bundled = all[(i + j) % all.length] as Bundle;
        samples.get(bundled.name)?.push(await importMs(bundled.file));
      }
      console.error(`  cold start: round ${i + 1}/${config.runs}`);
    }
    const times = (bundled: Bundle) => samples.get(bundled.name) ?? [];
    /** The median over rounds of a's time over b's in the same round. */
    const ratio = (a: Bundle, b: Bundle) => median(times(a).map((value, round) => value / (times(b)[round] as number)));
    const figures = (bundled: Bundle, fn?: DeployedFunction): BundleFigures => {
      const ms = times(bundled);
      return {
        name: bundled.name,
        bytes: bundled.bytes,
        loadMs: { median: median(ms), min: Math.min(...ms), max: Math.max(...ms) },
        loadRatio: ratio(bundled, baseline),
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
      preloaded: RUNTIME_PRELOADED,
      baseline: figures(baseline),
      functions: functions.map((bundled, i) => {
        const naive = naives[i] as Bundle;
        return {
          ...figures(bundled, deployed[i]),
          naive: { bytes: naive.bytes, loadMs: median(times(naive)) },
          loadRatio: ratio(bundled, naive),
          workerLoadRatio: ratio(bundled, baseline),
        };
      }),
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

runChild(main);
