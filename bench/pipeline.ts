/**
 * One pipeline configuration on a fresh local stack: the raw Hostinger round trip at the pipeline's
 * concurrency, then orders through SQS -> worker -> ledger -> SNS, with the AWS calls made meanwhile.
 * Optionally also the latency of lone orders at idle, and the HTTP intake's AWS calls.
 */

import { performance } from 'node:perf_hooks';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ORDERS_PATH } from '../lib/hostinger/order-client.ts';
import { workerConfig } from '../lib/platform/config.ts';
import { mapConcurrently } from '../lib/platform/map-concurrently.ts';
import type { BilledUsage } from '../local/aws/billing-meter.ts';
import { type BilledInvocations, billedInvocations, resetBilledInvocations } from '../local/lambda-context.ts';
import { watchOutcomes } from '../local/outcome-watcher.ts';
import { DEFAULT_WORKER_SETTINGS, type LocalStack, startLocalStack } from '../local/stack.ts';
import { runChild } from './child.ts';
import { type CpuShares, profileCpu } from './cpu-profile.ts';
import { BENCH_ORDER, orderMessage, reportProgress, sendInBatches } from './orders.ts';
import { watchOtherProcesses } from './other-processes.ts';
import { median, percentile } from './stats.ts';
import { type WorkerStepTimes, workerStepTimer } from './worker-steps.ts';

export interface PipelineConfig {
  /** Names the request ids and the progress lines, e.g. 'b10c5'. */
  label: string;
  latencyMs: number;
  /** The event source's batch size; default serverless.yml's (the local stack's DEFAULT_WORKER_SETTINGS). */
  batchSize?: number;
  /** The event source's maximum concurrency, i.e. parallel worker invocations; default serverless.yml's. */
  concurrency?: number;
  orders: number;
  /** Lone orders timed one after another on an idle pipeline; 0 skips. */
  idleSamples: number;
  /** Orders POSTed to the HTTP API with the worker stopped, counting the intake's AWS calls; 0 skips. */
  intakeOrders: number;
  /** Orders of an extra pipeline run under the CPU profiler, to see where the time goes; 0 skips. */
  profileOrders: number;
}

/** The worker's settings in effect. */
export interface WorkerShape {
  batchSize: number;
  concurrency: number;
  /** Messages of one batch processed at the same time (WORKER_CONCURRENCY). */
  inBatchConcurrency: number;
  /** Hostinger calls the pipeline can have in flight: concurrency x min(batch size, in-batch concurrency). */
  inflight: number;
}

export interface Rate {
  orders: number;
  seconds: number;
  perSecond: number;
}

/** How busy one thread of the local stack was meanwhile. */
export interface ThreadBusy {
  /** 'pipeline' (the functions, the event source, the HTTP API, the bench), 'local AWS', 'Hostinger sandbox'. */
  name: string;
  /** Event-loop utilization, 0 to 1: near 1, this thread (not Hostinger's latency) sets the pace. */
  eventLoop: number;
  /** CPU time of the thread (user + system) per order, in ms. */
  cpuMsPerOrder: number;
}

/** How busy the local stack was meanwhile: the pipeline's thread (eventLoop, cpuMsPerOrder), and each thread. */
export interface Load {
  eventLoop: number;
  cpuMsPerOrder: number;
  threads: ThreadBusy[];
  /** Cores other processes on the machine kept busy meanwhile, on average (other-processes.ts). */
  otherCores: number;
}

export interface PipelineResult {
  config: PipelineConfig;
  /** Runs of this configuration the bench made to get one that other processes did not disturb (run.ts); 1 if absent. */
  attempts?: number;
  worker: WorkerShape;
  raw: Rate & Load;
  pipeline: Rate & Load & { latencyMs: { median: number; p99: number }; invocations: number };
  /** Median time of the worker's steps during the pipeline run (worker-steps.ts). */
  steps: WorkerStepTimes;
  idleLatencyMs?: { samples: number; median: number; p99: number };
  /** Orders sent one by one at a steady rate (half the measured throughput): intake to outcome under load. */
  pacedLatencyMs?: { orders: number; perSecond: number; median: number; p99: number };
  /**
   * Where the pipeline thread's CPU time went during the profiled run, in ms by owner; and the AWS calls made
   * meanwhile, all from this thread (to share the SDK's time between the functions and the rest).
   */
  cpuProfile?: { orders: number; shares: CpuShares; calls: Record<string, number>; threadCpuMs: number };
  /** AWS calls by action while the first orders ran on a cold worker (warm-up). */
  coldCalls: { orders: number; calls: Record<string, number> };
  /** AWS calls by action during the measured pipeline run, everyone's: attribution happens in the report. */
  steadyCalls: Record<string, number>;
  intake?: Rate & { calls: Record<string, number>; billed: Billed };
  /** What the throughput run's orders would be billed for on AWS. */
  billed: Billed;
}

/** What a run would be billed on AWS: the functions' invocations and durations, the AWS calls' chunks and units. */
export interface Billed {
  functions: Record<string, BilledInvocations>;
  aws: BilledUsage;
  /** SQS requests Lambda's event source mapping made (ReceiveMessage, DeleteMessageBatch). */
  eventSourceRequests: number;
}

/** Starts metering what would be billed; the result reads it for what happened since. */
function meterBilling(stack: LocalStack): () => Billed {
  stack.aws.resetCalls();
  resetBilledInvocations();
  const before = stack.worker.stats();
  return () => {
    const after = stack.worker.stats();
    return {
      functions: billedInvocations(),
      aws: stack.aws.billedUsage(),
      eventSourceRequests: after.receiveRequests - before.receiveRequests + after.deleteRequests - before.deleteRequests,
    };
  };
}

/** Outcomes as they reach a queue subscribed to the topic: when each request's first outcome arrived. */
type Arrivals = Map<string, { at: number; type: string }>;

/** Resolves once every id has an outcome; fails when none arrives for `stallMs`. */
async function waitForOutcomes(arrivals: Arrivals, ids: readonly string[], label: string, stallMs = 30_000): Promise<void> {
  const pending = new Set(ids);
  const stop = ids.length > 100 ? reportProgress(`${label} outcomes`, ids.length, () => ids.length - pending.size) : () => {};
  try {
    let lastChange = Date.now();
    for (;;) {
      const before = pending.size;
      for (const id of pending) if (arrivals.has(id)) pending.delete(id);
      if (pending.size === 0) return;
      if (pending.size !== before) lastChange = Date.now();
      else if (Date.now() - lastChange > stallMs) throw new Error(`${label}: no outcome for ${stallMs} ms, ${ids.length - pending.size}/${ids.length} arrived`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    stop();
  }
}

const requestIds = (label: string, phase: string, count: number) => Array.from({ length: count }, (_, i) => `${label}-${phase}-${i}`);

const rate = (orders: number, ms: number): Rate => ({ orders, seconds: ms / 1000, perSecond: orders / (ms / 1000) });

/** Starts watching the stack's threads; the result reads their load for the `orders` handled since. */
function watchLoad(stack: LocalStack): (orders: number) => Load {
  const start = stack.threads.map((thread) => ({ thread, elu: thread.eventLoopUtilization(), cpu: thread.cpuUsage() }));
  const others = watchOtherProcesses();
  return (orders) => {
    const threads = start.map(({ thread, elu, cpu }) => {
      const now = thread.cpuUsage();
      const cpuMs = (now.user - cpu.user + now.system - cpu.system) / 1000;
      return { name: thread.name, eventLoop: thread.eventLoopUtilization(elu).utilization, cpuMsPerOrder: cpuMs / orders };
    });
    const [pipeline] = threads as [ThreadBusy];
    return { eventLoop: pipeline.eventLoop, cpuMsPerOrder: pipeline.cpuMsPerOrder, threads, otherCores: others() };
  };
}

async function sandboxToken(stack: LocalStack): Promise<string> {
  const { SecretString } = await stack.clients.secrets.send(new GetSecretValueCommand({ SecretId: stack.resources.secretId }));
  if (!SecretString) throw new Error('the token secret is empty');
  return SecretString;
}

/** The physical limit: the same orders POSTed straight to the sandbox with fetch, `inflight` at a time. */
async function rawRoundTrips(stack: LocalStack, token: string, orders: number, inflight: number): Promise<Rate & Load> {
  const url = `${stack.resources.hostingerApiUrl}${ORDERS_PATH}`;
  const body = JSON.stringify(BENCH_ORDER);
  const headers = { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${token}` };
  let done = 0;
  const post = async () => {
    const response = await fetch(url, { method: 'POST', headers, body });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`the sandbox answered ${response.status}`);
    done += 1;
  };
  await mapConcurrently(Array.from({ length: inflight }), inflight, post); // opens the connections
  done = 0;
  const stop = orders > 100 ? reportProgress('raw round trips', orders, () => done) : () => {};
  const load = watchLoad(stack);
  const started = performance.now();
  await mapConcurrently(Array.from({ length: orders }), inflight, post);
  const elapsed = performance.now() - started;
  stop();
  return { ...rate(orders, elapsed), ...load(orders) };
}

/** Sends orders to the queue and waits for all their outcomes; the rate runs from the first send to the last outcome. */
async function throughput(stack: LocalStack, arrivals: Arrivals, ids: readonly string[], label: string) {
  const bought = stack.sandbox?.orders().length ?? 0;
  const invocations = stack.worker.stats().invocations;
  const billing = meterBilling(stack);
  const load = watchLoad(stack);
  const started = performance.now();
  const sentAt = await sendInBatches(
    stack.clients.sqs,
    stack.resources.queueUrl,
    ids.map((id) => orderMessage(id)),
    4,
  );
  await waitForOutcomes(arrivals, ids, label);
  const calls = stack.aws.calls();
  const billed = billing();
  const loaded = load(ids.length);
  const outcomes = ids.map((id) => arrivals.get(id) as { at: number; type: string });
  const failed = outcomes.filter((outcome) => outcome.type !== 'order.succeeded');
  if (failed.length > 0) throw new Error(`${label}: ${failed.length} orders did not succeed (first: ${failed[0]?.type})`);
  const boughtNow = (stack.sandbox?.orders().length ?? 0) - bought;
  if (boughtNow !== ids.length) throw new Error(`${label}: ${ids.length} orders made ${boughtNow} purchases`);
  const lastOutcome = Math.max(...outcomes.map((outcome) => outcome.at));
  const latencies = outcomes.map((outcome, i) => outcome.at - (sentAt[i] as number));
  return {
    ...rate(ids.length, lastOutcome - started),
    ...loaded,
    latencyMs: { median: median(latencies), p99: percentile(latencies, 99) },
    invocations: stack.worker.stats().invocations - invocations,
    calls,
    billed,
  };
}

/** The same run again under the CPU profiler (which slows it down: its rate is not a figure). */
async function profiledRun(stack: LocalStack, arrivals: Arrivals, ids: readonly string[], label: string) {
  console.error(`  ${label}: pipeline again under the CPU profiler, ${ids.length} orders`);
  let calls: Record<string, number> = {};
  const cpu = process.threadCpuUsage();
  const shares = await profileCpu(async () => {
    ({ calls } = await throughput(stack, arrivals, ids, `${label} profiled`));
  });
  const used = process.threadCpuUsage(cpu);
  return { orders: ids.length, shares, calls, threadCpuMs: (used.user + used.system) / 1000 };
}

/**
 * Orders sent one at a time at a steady rate below the pipeline's throughput, each timed from its send to its
 * outcome: the latency under load, without the time queued that sending a whole run at once adds.
 */
async function pacedLatency(stack: LocalStack, arrivals: Arrivals, label: string, orders: number, perSecond: number) {
  const ids = requestIds(label, 'paced', orders);
  const sentAt: number[] = [];
  const sends: Promise<unknown>[] = [];
  const started = performance.now();
  for (const [i, id] of ids.entries()) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(sendInBatches(stack.clients.sqs, stack.resources.queueUrl, [orderMessage(id)], 1).then(([at]) => (sentAt[i] = at as number)));
  }
  await Promise.all(sends);
  await waitForOutcomes(arrivals, ids, `${label} paced`);
  const latencies = ids.map((id, i) => (arrivals.get(id)?.at ?? 0) - (sentAt[i] as number));
  return { orders, perSecond, median: median(latencies), p99: percentile(latencies, 99) };
}

/** Lone orders, one after another: intake to outcome with nothing queued. */
async function idleLatency(stack: LocalStack, arrivals: Arrivals, label: string, samples: number) {
  const latencies: number[] = [];
  for (const id of requestIds(label, 'idle', samples)) {
    const [sentAt] = await sendInBatches(stack.clients.sqs, stack.resources.queueUrl, [orderMessage(id)], 1);
    await waitForOutcomes(arrivals, [id], label);
    latencies.push((arrivals.get(id)?.at ?? 0) - (sentAt as number));
  }
  return { samples, median: median(latencies), p99: percentile(latencies, 99) };
}

/**
 * POST /orders with nothing else running (worker and outcome tap stopped), so every AWS call is the intake's.
 * Steady state, like the worker's figure: a few warm-up orders first fill the container's token and catalog
 * caches (one Secrets Manager read per container and cache period).
 */
async function intakeCalls(stack: LocalStack, orders: number) {
  const body = JSON.stringify(BENCH_ORDER);
  const post = async () => {
    const response = await fetch(`${stack.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.arrayBuffer();
    if (response.status !== 202) throw new Error(`POST /orders answered ${response.status}`);
  };
  await mapConcurrently(Array.from({ length: 10 }), 10, post);
  const billing = meterBilling(stack);
  const started = performance.now();
  await mapConcurrently(Array.from({ length: orders }), 10, post);
  return { ...rate(orders, performance.now() - started), calls: stack.aws.calls(), billed: billing() };
}

async function main(config: PipelineConfig): Promise<PipelineResult> {
  const batchSize = config.batchSize ?? DEFAULT_WORKER_SETTINGS.batchSize;
  const concurrency = config.concurrency ?? DEFAULT_WORKER_SETTINGS.concurrency;
  const steps = workerStepTimer();
  const stack = await startLocalStack({
    apiPort: 0,
    awsPort: 0,
    sandboxLatencyMs: config.latencyMs,
    worker: { batchSize, concurrency },
    // The emulators and the sandbox off the pipeline's thread, as npm start runs them: the comparison is fair.
    services: 'threads',
    // As npm start: pollers receive batches while others run, as Lambda's do under a backlog.
    workerPollers: 2 * concurrency,
    // Function logs cost CPU the pipeline needs; POWERTOOLS_LOG_LEVEL=ERROR shows why orders fail, if they do.
    functionEnv: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT' },
    log: (line) => console.error(`  ${config.label}: ${line}`),
    decorateWorker: steps.decorate,
  });
  try {
    const inBatchConcurrency = workerConfig().concurrency;
    const worker = { batchSize, concurrency, inBatchConcurrency, inflight: concurrency * Math.min(batchSize, inBatchConcurrency) };
    const token = await sandboxToken(stack);
    const arrivals: Arrivals = new Map();
    const tap = await watchOutcomes(stack, 'bench-outcomes', (published) => {
      // Order outcomes only: the topic also carries batch events, which name no request.
      if ('requestId' in published && !arrivals.has(published.requestId)) arrivals.set(published.requestId, { at: performance.now(), type: published.type });
    });

    // Cold: the first orders, enough to fill every lane twice; every AWS call they cause is counted.
    const warmup = requestIds(config.label, 'warmup', Math.max(20, 2 * batchSize * concurrency));
    stack.aws.resetCalls();
    await sendInBatches(
      stack.clients.sqs,
      stack.resources.queueUrl,
      warmup.map((id) => orderMessage(id)),
      4,
    );
    await waitForOutcomes(arrivals, warmup, `${config.label} warm-up`);
    const coldCalls = { orders: warmup.length, calls: stack.aws.calls() };

    console.error(`  ${config.label}: raw round trips, ${config.orders} orders, ${worker.inflight} in flight`);
    const raw = await rawRoundTrips(stack, token, config.orders, worker.inflight);
    console.error(`  ${config.label}: pipeline, ${config.orders} orders, batch size ${batchSize}, ${concurrency} concurrent invocations`);
    steps.reset();
    const { calls: steadyCalls, billed, ...pipeline } = await throughput(stack, arrivals, requestIds(config.label, 'run', config.orders), config.label);
    const stepTimes = steps.medians();
    const cpuProfile = config.profileOrders > 0 ? await profiledRun(stack, arrivals, requestIds(config.label, 'profile', config.profileOrders), config.label) : undefined;
    const idleLatencyMs = config.idleSamples > 0 ? await idleLatency(stack, arrivals, config.label, config.idleSamples) : undefined;
    const pacedLatencyMs =
      config.idleSamples > 0 ? await pacedLatency(stack, arrivals, config.label, Math.min(config.orders, 500), Math.max(1, Math.round(pipeline.perSecond / 2))) : undefined;

    await tap.stop();
    await stack.worker.stop();
    const intake = config.intakeOrders > 0 ? await intakeCalls(stack, config.intakeOrders) : undefined;
    return { config, worker, raw, pipeline, steps: stepTimes, idleLatencyMs, pacedLatencyMs, cpuProfile, coldCalls, steadyCalls, intake, billed };
  } finally {
    await stack.stop();
  }
}

runChild(main);
