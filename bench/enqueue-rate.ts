/**
 * The enqueue rate of a 10,000-order batch file through the CLI: `hostinger-orders submit <file>` run in
 * this process against the local stack, as a user would run it against `npm start` (it reads and validates
 * every line, records its progress file, and sends with SendMessageBatch, 10 orders a call, 8 calls in
 * flight by default). The worker is stopped, so nothing else uses the queue meanwhile.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { CliContext } from '../lib/cli/context.ts';
import { runCli } from '../lib/cli/main.ts';
import { startLocalStack } from '../local/stack.ts';
import { runChild } from './child.ts';
import { BENCH_ORDER } from './orders.ts';

export interface EnqueueConfig {
  orders: number;
}

export interface EnqueueResult extends EnqueueConfig {
  /** The command line measured. */
  command: string;
  seconds: number;
  perSecond: number;
  calls: Record<string, number>;
  /** Messages on the queue afterwards, as SQS counts them. */
  queued: number;
}

async function main(config: EnqueueConfig): Promise<EnqueueResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hostinger-orders-batch-'));
  const file = join(dir, 'orders.jsonl');
  await writeFile(file, `${Array.from({ length: config.orders }, () => JSON.stringify(BENCH_ORDER)).join('\n')}\n`);
  const stack = await startLocalStack({ apiPort: 0, awsPort: 0, functionEnv: { POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  try {
    await stack.worker.stop();
    let output = '';
    const sink = { write: (text: string) => (output += text) };
    const ctx: CliContext = {
      env: { PATH: process.env.PATH },
      cwd: dir,
      stdout: sink,
      stderr: sink,
      signal: new AbortController().signal,
      onForceExit: () => () => undefined,
      local: { awsEndpoint: stack.resources.awsEndpoint, region: stack.resources.region, queueUrl: stack.resources.queueUrl },
      now: () => Date.now(),
    };
    const argv = ['submit', file, '--state-dir', join(dir, 'state'), '--no-catalog-check'];
    stack.aws.resetCalls();
    const started = performance.now();
    const exitCode = await runCli(argv, ctx);
    const seconds = (performance.now() - started) / 1000;
    if (exitCode !== 0) throw new Error(`hostinger-orders ${argv.join(' ')} exited ${exitCode}:\n${output}`);
    const calls = stack.aws.calls();
    const { Attributes } = await stack.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.resources.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    return {
      ...config,
      command: `hostinger-orders submit orders.jsonl (${config.orders} lines)`,
      seconds,
      perSecond: config.orders / seconds,
      calls,
      queued: Number(Attributes?.ApproximateNumberOfMessages),
    };
  } finally {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

runChild(main);
