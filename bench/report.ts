import { attribute, NOT_BY_THE_FUNCTIONS, perOrderByService, total, type Calls } from './aws-calls.ts';
import type { ColdStartResult } from './coldstart.ts';
import { costFigures, type FunctionsDeployed } from './cost-report.ts';
import type { EnqueueResult } from './enqueue-rate.ts';
import type { PipelineResult } from './pipeline.ts';
import { duration, fixed, table } from './table.ts';

/** One figure held against its target. */
export interface Check {
  figure: string;
  baseline?: number;
  measured: number | string;
  ratio?: number;
  target: string;
  pass: boolean;
}

export interface BenchFigures {
  latencyMs: number;
  /** Each deployed function's memory in MB and whether it runs on a schedule, as serverless.yml says. */
  functions: FunctionsDeployed;
  coldStart?: ColdStartResult;
  throughput?: PipelineResult;
  scale?: PipelineResult[];
  enqueue?: EnqueueResult;
}

export const TARGETS = {
  throughputRatio: 0.9,
  /** The pipeline's cost per order against the same orders through Step Functions Standard. */
  costRatio: 0.1,
  workerCallsPerOrder: 2.2,
  intakeCallsPerOrder: 2,
  /** Secret reads per container per cache period; the local stack runs all invocations in one "container". */
  secretReadsPerContainer: 1,
  bundleRatio: 0.65,
  loadTimeRatio: 0.65,
} as const;

const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const ratioCell = (ratio?: number) => (ratio === undefined ? '' : fixed(ratio, 3));
const int = (value: number) => fixed(value, 0);
const kb = (bytes: number) => `${fixed(bytes / 1000, 1)} kB`;
const shortClient = (pkg: string) => pkg.replace('@aws-sdk/client-', '');
const callList = (calls: Calls, divisor = 1, digits = 0) =>
  Object.entries(calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([call, count]) => `${call} ${fixed(count / divisor, digits)}`)
    .join(', ') || 'none';

function checksTable(checks: readonly Check[], format: (value: number) => string = (value) => fixed(value, 1)): string {
  return table(
    ['figure', 'baseline', 'measured', 'ratio', 'target', 'result'],
    checks.map((check) => [
      check.figure,
      check.baseline === undefined ? '' : format(check.baseline),
      typeof check.measured !== 'number' ? check.measured : Number.isInteger(check.measured) ? int(check.measured) : format(check.measured),
      ratioCell(check.ratio),
      check.target,
      pass(check.pass),
    ]),
    ['l', 'r', 'r', 'r', 'l', 'l'],
  );
}

function cpuTable(profile: NonNullable<PipelineResult['cpuProfile']>): string {
  const busy = Object.entries(profile.shares).filter(([owner]) => owner !== 'idle');
  const all = busy.reduce((sum, [, ms]) => sum + ms, 0);
  return table(
    [`where the thread's CPU went (the pipeline again, ${int(profile.orders)} orders, profiled)`, 'CPU per order', 'share'],
    busy.sort(([, a], [, b]) => b - a).map(([owner, ms]) => [owner, `${fixed(ms / profile.orders, 2)} ms`, `${fixed((ms / all) * 100, 1)} %`]),
    ['l', 'r', 'r'],
  );
}

function throughputSection(result: PipelineResult, latencyMs: number): { text: string; checks: Check[] } {
  const { worker, raw, pipeline, idleLatencyMs } = result;
  const ratio = pipeline.perSecond / raw.perSecond;
  const check: Check = {
    figure: 'orders/s: pipeline vs raw fetch loop',
    baseline: raw.perSecond,
    measured: pipeline.perSecond,
    ratio,
    target: `>= ${fixed(TARGETS.throughputRatio, 2)}`,
    pass: ratio >= TARGETS.throughputRatio,
  };
  const latencyRows = [[`${int(pipeline.orders)} orders sent at once (time queued included)`, duration(pipeline.latencyMs.median), duration(pipeline.latencyMs.p99)]];
  if (idleLatencyMs) latencyRows.push([`one order at a time (${idleLatencyMs.samples} orders)`, duration(idleLatencyMs.median), duration(idleLatencyMs.p99)]);
  const text = [
    '#### 1. Throughput against the raw Hostinger round trip',
    '',
    `${int(pipeline.orders)} orders through SQS, the worker, the ledger and SNS, against the same orders POSTed with fetch straight to the sandbox; ` +
      `sandbox latency ${latencyMs} ms. Concurrency on both sides: ${worker.concurrency} concurrent invocations x ${Math.min(worker.batchSize, worker.inBatchConcurrency)} ` +
      `messages of a batch at a time (batch size ${worker.batchSize}, WORKER_CONCURRENCY ${worker.inBatchConcurrency}) = ${worker.inflight} Hostinger calls in flight.`,
    '',
    checksTable([check]),
    '',
    table(['intake to outcome', 'median', 'p99'], latencyRows, ['l', 'r', 'r']),
    '',
    table(
      ['the local stack process (one JavaScript thread)', 'event loop busy', 'CPU per order'],
      [
        ['raw fetch loop', fixed(raw.eventLoop, 2), `${fixed(raw.cpuMsPerOrder, 1)} ms`],
        ['pipeline', fixed(pipeline.eventLoop, 2), `${fixed(pipeline.cpuMsPerOrder, 1)} ms`],
      ],
      ['l', 'r', 'r'],
    ),
    ...(result.cpuProfile ? ['', cpuTable(result.cpuProfile)] : []),
  ].join('\n');
  return { text, checks: [check] };
}

function callsSection(result: PipelineResult): { text: string; checks: Check[] } {
  const orders = result.pipeline.orders;
  const steady = attribute(result.steadyCalls);
  const cold = attribute(result.coldCalls.calls);
  const workerPerOrder = total(steady.own) / orders;
  const checks: Check[] = [
    {
      figure: `orderWorker, calls per order (${callList(steady.own, orders, 2)})`,
      measured: workerPerOrder,
      target: `<= ${TARGETS.workerCallsPerOrder}`,
      pass: workerPerOrder <= TARGETS.workerCallsPerOrder,
    },
  ];
  if (result.intake) {
    const intake = attribute(result.intake.calls);
    const intakePerOrder = total(intake.own) / result.intake.orders;
    checks.push({
      figure: `createOrder (POST /orders), calls per order (${callList(intake.own, result.intake.orders, 2)})`,
      measured: intakePerOrder,
      target: `<= ${TARGETS.intakeCallsPerOrder}`,
      pass: intakePerOrder <= TARGETS.intakeCallsPerOrder,
    });
  }
  const coldSecretReads = cold.own['secretsmanager.GetSecretValue'] ?? 0;
  const steadySecretReads = steady.own['secretsmanager.GetSecretValue'] ?? 0;
  const publishBatches = steady.own['sns.PublishBatch'] ?? 0;
  const singlePublishes = steady.own['sns.Publish'] ?? 0;
  checks.push(
    {
      figure: `Secrets Manager reads, first ${result.coldCalls.orders} orders on a cold worker (one container)`,
      measured: coldSecretReads,
      target: `<= ${TARGETS.secretReadsPerContainer}`,
      pass: coldSecretReads <= TARGETS.secretReadsPerContainer,
    },
    { figure: 'Secrets Manager reads, steady state (within the cache period)', measured: steadySecretReads, target: '0', pass: steadySecretReads === 0 },
    {
      figure: `SNS calls per worker invocation (${int(publishBatches)} PublishBatch, ${int(singlePublishes)} Publish, ${int(result.pipeline.invocations)} invocations)`,
      measured: (publishBatches + singlePublishes) / result.pipeline.invocations,
      target: '<= 1, batched',
      pass: singlePublishes === 0 && publishBatches <= result.pipeline.invocations,
    },
  );
  const services = perOrderByService(steady.own, orders);
  const excluded = { ...steady.excluded, ...(result.intake ? attribute(result.intake.calls).excluded : {}) };
  const text = [
    '#### 2. AWS calls per order',
    '',
    `Counted by the local AWS endpoint. Steady state: the ${int(orders)} orders of the throughput run, after ${result.coldCalls.orders} warm-up orders; ` +
      `the intake: ${result.intake ? int(result.intake.orders) : 0} POST /orders with the worker stopped. Worker calls by service per order: ` +
      `${Object.entries(services).map(([service, count]) => `${service} ${fixed(count, 2)}`).join(', ')}.`,
    '',
    checksTable(checks, (value) => fixed(value, 2)),
    '',
    `Not counted (not made by the functions): ${Object.keys(excluded)
      .map((call) => `${call} (${NOT_BY_THE_FUNCTIONS[call]})`)
      .join('; ')}.`,
    `All calls on the cold worker: ${callList(result.coldCalls.calls)}.`,
  ].join('\n');
  return { text, checks };
}

function costSection(result: PipelineResult, functions: FunctionsDeployed): { text: string; checks: Check[] } {
  const cost = costFigures(result, functions);
  const ratio = cost.pipelineUsd / cost.stepFunctionsUsd;
  const check: Check = {
    figure: 'USD per 1,000 orders: pipeline vs Step Functions Standard',
    baseline: cost.stepFunctionsUsd,
    measured: cost.pipelineUsd,
    ratio,
    target: `<= ${TARGETS.costRatio}`,
    pass: ratio <= TARGETS.costRatio,
  };
  return { text: ['#### Cost per 1,000 orders on AWS', '', checksTable([check], (value) => `$${fixed(value, 4)}`), '', cost.text].join('\n'), checks: [check] };
}

function coldStartSection(result: ColdStartResult): { text: string; checks: Check[] } {
  const { baseline } = result;
  const checks: Check[] = [];
  const parts = (figures: ColdStartResult['baseline']) => figures.largest.map(([pkg, bytes]) => `${pkg} ${fixed(bytes / 1000, 0)}`).join(', ');
  const rows = [[baseline.name, kb(baseline.bytes), '', fixed(baseline.loadMs.median, 1), '', '', baseline.clients.map(shortClient).join(', '), parts(baseline)]];
  for (const fn of result.functions) {
    const sizeRatio = fn.bytes / baseline.bytes;
    const { loadRatio } = fn;
    const missed = [
      ...(sizeRatio <= TARGETS.bundleRatio ? [] : ['size']),
      ...(loadRatio <= TARGETS.loadTimeRatio ? [] : ['load time']),
      ...(fn.unused.length === 0 ? [] : [`unused: ${fn.unused.join(', ')}`]),
    ];
    const result = missed.length === 0 ? 'PASS' : `FAIL (${missed.join('; ')})`;
    rows.push([fn.name, kb(fn.bytes), ratioCell(sizeRatio), fixed(fn.loadMs.median, 1), ratioCell(loadRatio), result, fn.clients.map(shortClient).join(', '), parts(fn)]);
    checks.push(
      { figure: `${fn.name} bundle size (bytes)`, baseline: baseline.bytes, measured: fn.bytes, ratio: sizeRatio, target: `<= ${TARGETS.bundleRatio}`, pass: sizeRatio <= TARGETS.bundleRatio },
      { figure: `${fn.name} load time (ms)`, baseline: baseline.loadMs.median, measured: fn.loadMs.median, ratio: loadRatio, target: `<= ${TARGETS.loadTimeRatio}`, pass: loadRatio <= TARGETS.loadTimeRatio },
      { figure: `${fn.name} bundles only what it uses`, measured: fn.unused.join(', ') || 'yes', target: 'nothing unused', pass: fn.unused.length === 0 },
    );
  }
  const text = [
    '#### 3. Cold start',
    '',
    `Each function bundled as serverless.yml's custom.esbuild does (esbuild: bundle, minify, node24, ESM, mainFields module,main), against a naive baseline ` +
      `bundled the same way (bench/naive-handler.ts: the four AWS clients, the DynamoDB document client, hostinger-api-sdk with axios). Load time: ` +
      `import() of the bundle in a fresh Node ${process.version} process, median of ${result.runs} rounds, each importing every bundle in turn; ` +
      `its ratio is the median of the per-round ratios to the baseline. Targets: size and load time <= ` +
      `${TARGETS.bundleRatio} x the baseline; and no client of an AWS service the function's IAM role (serverless.yml) does not allow, no HTTP SDK, no local-only code.`,
    '',
    table(['bundle', 'size', 'ratio', 'load ms', 'ratio', 'result', 'AWS clients', 'largest parts (kB)'], rows, ['l', 'r', 'r', 'r', 'r', 'l', 'l', 'l']),
  ].join('\n');
  return { text, checks };
}

function scaleSection(cells: readonly PipelineResult[], enqueue?: EnqueueResult): string {
  const rows = cells.map(({ config, worker, raw, pipeline, steadyCalls }) => [
    `${config.latencyMs} ms`,
    String(worker.batchSize),
    String(worker.concurrency),
    String(worker.inflight),
    fixed(raw.perSecond, 0),
    fixed(pipeline.perSecond, 0),
    fixed(pipeline.perSecond / raw.perSecond, 2),
    duration(pipeline.latencyMs.median),
    duration(pipeline.latencyMs.p99),
    fixed(total(attribute(steadyCalls).own) / pipeline.orders, 2),
    fixed(pipeline.eventLoop, 2),
  ]);
  const lines = [
    '#### 4. Scale',
    '',
    cells.length > 0
      ? `${int(cells[0]?.pipeline.orders ?? 0)} orders a configuration, each on a fresh local stack; latency is the sandbox's. ` +
        'Median and p99: intake to outcome, all orders sent at once (time queued included). Concurrency: concurrent worker invocations.'
      : 'No configuration measured.',
    '',
    table(
      ['latency', 'batch size', 'concurrency', 'in flight', 'raw/s', 'pipeline/s', 'ratio', 'median', 'p99', 'worker calls/order', 'event loop busy'],
      rows,
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  if (enqueue) {
    lines.push(
      '',
      `Enqueue rate of a ${int(enqueue.orders)}-order batch file through the CLI: **${fixed(enqueue.perSecond, 0)} orders/s** ` +
        `(\`${enqueue.command}\` against the local stack, worker stopped: ${fixed(enqueue.seconds, 2)} s to read, validate, record progress and send; ` +
        `${callList(enqueue.calls)}; ${int(enqueue.queued)} messages on the queue after).`,
    );
  }
  return lines.join('\n');
}

/** The report as Markdown, and every check. */
export function report(figures: BenchFigures): { text: string; checks: Check[] } {
  const sections: { text: string; checks: Check[] }[] = [];
  if (figures.throughput) sections.push(costSection(figures.throughput, figures.functions), throughputSection(figures.throughput, figures.latencyMs), callsSection(figures.throughput));
  if (figures.coldStart) sections.push(coldStartSection(figures.coldStart));
  if (figures.scale || figures.enqueue) sections.push({ text: scaleSection(figures.scale ?? [], figures.enqueue), checks: [] });
  const checks = sections.flatMap((section) => section.checks);
  const failed = checks.filter((check) => !check.pass);
  const summary = failed.length === 0 ? `All ${checks.length} targets met.` : `${failed.length} of ${checks.length} targets missed: ${failed.map((check) => check.figure).join('; ')}.`;
  return { text: [...sections.map((section) => section.text), `**${summary}**`].join('\n\n'), checks };
}
