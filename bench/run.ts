/**
 * `npm run bench`: every performance figure of the pipeline next to its baseline, measured in this run on
 * this machine, each phase in a process of its own. Prints a Markdown report, saves it with the raw figures
 * under bench/results/, and exits 1 when a target is missed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { readDeploymentTemplate, workerSettingsOf } from '../local/deployment-template.ts';
import { deployedFunctions } from './bundles.ts';
import { scaleChart } from './chart.ts';
import { runPhase } from './child.ts';
import type { ColdStartConfig, ColdStartResult } from './coldstart.ts';
import type { EnqueueConfig, EnqueueResult } from './enqueue-rate.ts';
import type { PipelineConfig, PipelineResult } from './pipeline.ts';
import { type BenchFigures, DISTURBED_OTHER_CORES, heldThroughputTarget, otherCores, report } from './report.ts';

const PHASES = ['coldstart', 'throughput', 'scale', 'enqueue'] as const;

/** The worker's shape as serverless.yml deploys it (batch size, concurrent invocations). */
const DEPLOYED_WORKER = workerSettingsOf(readDeploymentTemplate());
type Phase = (typeof PHASES)[number];

const USAGE = `npm run bench -- [options]
  --quick               a smaller run (about 2 minutes): fewer orders and import runs
  --latency <ms>        the sandbox's answer latency (default SANDBOX_LATENCY_MS or 100)
  --orders <n>          orders of the throughput run (default 2000; quick 500)
  --scale-orders <n>    orders of each scale configuration, at least (default 300; quick 100); at least
                        20 batches a lane (quick 10)
  --runs <n>            imports of each bundle for the load time (default 25; quick 10; at least 10)
  --only <phases>       comma-separated subset of ${PHASES.join(',')}
Results: bench/results/latest.{json,md} and latest-scale.svg for a full run, partial.* otherwise.`;

function positive(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer of at least ${min}, got "${raw}"`);
  return value;
}

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      latency: { type: 'string' },
      orders: { type: 'string' },
      'scale-orders': { type: 'string' },
      runs: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = values.only?.split(',').map((phase) => phase.trim());
  const unknown = only?.filter((phase) => !(PHASES as readonly string[]).includes(phase));
  if (unknown?.length) throw new Error(`--only: unknown phase ${unknown.join(', ')}; phases: ${PHASES.join(', ')}`);
  const quick = values.quick;
  return {
    quick,
    phases: (only ?? PHASES) as readonly Phase[],
    latencyMs: positive('latency', values.latency ?? process.env.SANDBOX_LATENCY_MS, 100, 0),
    orders: positive('orders', values.orders, quick ? 500 : 2000),
    scaleOrders: positive('scale-orders', values['scale-orders'], quick ? 100 : 300),
    runs: positive('runs', values.runs, quick ? 10 : 25, 10),
    enqueueOrders: quick ? 2000 : 10_000,
    cyclesPerCell: quick ? 10 : 20,
  };
}

const DOCS_PAGE = new URL('../docs/performance.md', import.meta.url);
const BEGIN = '<!-- bench:latest:begin (npm run bench writes what follows, up to the end marker) -->';
const END = '<!-- bench:latest:end -->';

/** A full run's figures replace the previous ones on docs/performance.md, between its two markers. */
async function showInDocs(markdown: string): Promise<void> {
  const page = await readFile(DOCS_PAGE, 'utf8');
  const begin = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  if (begin < 0 || end < begin) return console.error(`docs/performance.md has no ${BEGIN} ... ${END} section: figures not copied there`);
  const section = markdown.trim();
  await writeFile(
    DOCS_PAGE,
    `${page.slice(0, begin + BEGIN.length)}\n\n${section}\n\n![Orders per second, raw fetch loop and pipeline, by configuration](../bench/results/latest-scale.svg)\n\n${page.slice(end)}`,
  );
  console.error('copied the figures to docs/performance.md');
}

async function main(): Promise<number> {
  const opts = options();
  const started = Date.now();
  // The machine's load (runnable processes, 1-minute average): on a shared machine the figures depend on it.
  const loadAtStart = loadavg()[0] ?? 0;
  const functions = Object.fromEntries((await deployedFunctions()).map(({ name, memoryMb, scheduled }) => [name, { memoryMb, scheduled }]));
  const figures: BenchFigures = { latencyMs: opts.latencyMs, functions };
  const wants = (phase: Phase) => opts.phases.includes(phase);
  console.error(`bench: ${opts.phases.join(', ')}${opts.quick ? ' (quick)' : ''}; sandbox latency ${opts.latencyMs} ms`);

  if (wants('coldstart')) {
    console.error('cold start: bundling, then importing each bundle in fresh processes');
    figures.coldStart = await runPhase<ColdStartConfig, ColdStartResult>('coldstart.ts', { runs: opts.runs });
  }
  if (wants('throughput')) {
    console.error(`throughput and AWS calls: ${opts.orders} orders`);
    figures.throughput = await runPhase<PipelineConfig, PipelineResult>('pipeline.ts', {
      label: 'main',
      latencyMs: opts.latencyMs,
      orders: opts.orders,
      idleSamples: 20,
      intakeOrders: opts.quick ? 200 : 500,
      profileOrders: Math.min(opts.orders, opts.quick ? 200 : 500),
    });
  }
  if (wants('scale')) {
    // The grid of the issue at the chosen latency, then the default configuration at ten times the latency.
    const cells = [1, 10].flatMap((batchSize) => [1, 5, 10].map((concurrency) => ({ batchSize, concurrency, latencyMs: opts.latencyMs })));
    cells.push({ batchSize: 10, concurrency: 5, latencyMs: opts.latencyMs * 10 });
    figures.scale = [];
    for (const { batchSize, concurrency, latencyMs } of cells) {
      // Enough orders for every lane to run a number of batches: the first send and the last outcome, which the
      // pipeline's time includes and the raw loop's does not, then weigh little (WORKER_CONCURRENCY is 10).
      const orders = Math.max(opts.scaleOrders, opts.cyclesPerCell * concurrency * Math.min(batchSize, 10));
      console.error(`scale: batch size ${batchSize}, concurrency ${concurrency}, latency ${latencyMs} ms, ${orders} orders`);
      const cell = () =>
        runPhase<PipelineConfig, PipelineResult>('pipeline.ts', {
          label: `b${batchSize}c${concurrency}l${latencyMs}`,
          latencyMs,
          batchSize,
          concurrency,
          orders,
          idleSamples: 0,
          intakeOrders: 0,
          profileOrders: 0,
        });
      let run = await cell();
      // A run held to a throughput target is measured again when other processes took cores from it; the least
      // disturbed counts, whatever its ratio.
      if (heldThroughputTarget({ batchSize, concurrency, latencyMs }, DEPLOYED_WORKER, opts.latencyMs) !== undefined) {
        let attempts = 1;
        while (otherCores(run) > DISTURBED_OTHER_CORES && attempts < 3) {
          console.error(`  other processes kept ${otherCores(run).toFixed(2)} cores busy: measuring again`);
          attempts += 1;
          const again = await cell();
          if (otherCores(again) < otherCores(run)) run = again;
        }
        run = { ...run, attempts };
      }
      figures.scale.push(run);
    }
  }
  if (wants('enqueue')) {
    console.error(`enqueue rate: a ${opts.enqueueOrders}-order batch file through the CLI`);
    figures.enqueue = await runPhase<EnqueueConfig, EnqueueResult>('enqueue-rate.ts', { orders: opts.enqueueOrders });
  }

  const { text, checks } = report(figures);
  const cpu = cpus();
  const header = [
    `### Latest figures, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `\`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` on ${cpu.length} x ${cpu[0]?.model.trim() ?? 'CPU'}, ` +
      `Node ${process.version}; ${Math.round((Date.now() - started) / 1000)} s; machine load (1-minute load average) ${loadAtStart.toFixed(1)} at the start, ` +
      `${(loadavg()[0] ?? 0).toFixed(1)} at the end, for ${cpu.length} cores: above ${cpu.length}, other processes took CPU from the run.`,
  ].join('\n');
  const markdown = `${header}\n\n${text}\n`;
  console.log(`\n${markdown}`);

  const full = !opts.quick && opts.phases.length === PHASES.length;
  const name = full ? 'latest' : 'partial';
  const dir = new URL('results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const machine = { node: process.version, cpus: cpu.length, cpu: cpu[0]?.model.trim() };
  await writeFile(new URL(`${name}.json`, dir), `${JSON.stringify({ generatedAt: new Date().toISOString(), machine, options: opts, figures, checks }, null, 2)}\n`);
  await writeFile(new URL(`${name}.md`, dir), markdown);
  if (figures.scale) await writeFile(new URL(`${name}-scale.svg`, dir), scaleChart(figures.scale));
  if (full) await showInDocs(markdown);
  console.error(`saved bench/results/${name}.json, ${name}.md${figures.scale ? `, ${name}-scale.svg` : ''}`);
  return checks.every((check) => check.pass) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
