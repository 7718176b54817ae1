import { relative } from 'node:path';
import { integerOption, parseCommandArgs } from '../args.ts';
import { type CliContext, UserError, usageError, writeLine } from '../context.ts';
import { buildDryRunReport } from '../dry-run-report.ts';
import { assignRequestIds, batchNameProblem, formatRanges, newBatchName, type PlannedOrder } from '../file-batch.ts';
import { type ApiFlags, describeFacts, readAccountFacts } from '../hostinger-access.ts';
import { readOrderFile } from '../order-file.ts';
import { formatLineError, type LineError } from '../order-lines.ts';
import { createProgressReporter } from '../progress-bar.ts';
import { type BatchState, findBatchesOfFile, newBatchState, ProgressRecorder, planResume, readBatchState, stateDirectory, writeBatchState } from '../progress-state.ts';
import { type SendResult, sendOrders } from '../sqs-sender.ts';
import { announceTarget, deployedClientSettings, localClientSettings, parseTarget, type Target, warnAboutEndpointOverride } from '../targets.ts';

const MAX_ERRORS_SHOWN = 50;

export const SUBMIT_OPTIONS = {
  target: { type: 'string' },
  'dry-run': { type: 'boolean' },
  batch: { type: 'string' },
  'new-batch': { type: 'boolean' },
  concurrency: { type: 'string' },
  format: { type: 'string' },
  'api-url': { type: 'string' },
  'token-secret': { type: 'string' },
  'refresh-catalog': { type: 'boolean' },
  'state-dir': { type: 'string' },
  'no-catalog-check': { type: 'boolean' },
} as const;

interface LoadedFile {
  /** The path as the user gave it, for messages (`orders.csv:17: …`). */
  name: string;
  path: string;
  hash: string;
  batch: string;
  /** The batch this file was sent in before, continued now. */
  continued?: BatchState;
  /** Where the batch's progress file is: the state directory in use, or where the continued batch was found. */
  stateDir: string;
  planned: PlannedOrder[];
  errors: LineError[];
}

/**
 * The batch a run sends in: `--batch`, else a new one with `--new-batch`, else the one this file was last
 * sent in (its orders are known by content, so an edited file continues safely), else a new one.
 */
function chooseBatch(stateDir: string, path: string, batchFlag: string | undefined, newBatch: boolean): { batch: string; continued?: BatchState; stateDir: string } {
  if (batchFlag !== undefined) return { batch: batchFlag, stateDir };
  if (newBatch) return { batch: newBatchName(path), stateDir };
  const [latest] = findBatchesOfFile(stateDir, path).sort((a, b) => b.state.createdAt.localeCompare(a.state.createdAt));
  return latest ? { batch: latest.state.batch, continued: latest.state, stateDir: latest.stateDir } : { batch: newBatchName(path), stateDir };
}

function loadOrderFile(ctx: CliContext, file: string, formatFlag: string | undefined, stateDir: string, batchFlag: string | undefined, newBatch: boolean): LoadedFile {
  const read = readOrderFile(ctx.cwd, file, formatFlag);
  const chosen = chooseBatch(stateDir, read.path, batchFlag, newBatch);
  const assigned = assignRequestIds(read.orders, chosen.batch);
  const errors = [...read.errors, ...assigned.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (errors.length === 0 && assigned.planned.length === 0) errors.push({ message: 'no orders in the file' });
  return { name: read.name, path: read.path, hash: read.hash, ...chosen, planned: assigned.planned, errors };
}

function printErrors(ctx: CliContext, name: string, errors: LineError[]): void {
  for (const error of errors.slice(0, MAX_ERRORS_SHOWN)) writeLine(ctx.stderr, formatLineError(name, error));
  if (errors.length > MAX_ERRORS_SHOWN) writeLine(ctx.stderr, `… and ${errors.length - MAX_ERRORS_SHOWN} more`);
}

/**
 * With invalid lines in the file, the valid ones' catalog problems too, so that one run lists every
 * problem; only when the Hostinger API can be read (the run stops at the invalid lines anyway).
 */
async function catalogProblemsIfReachable(
  ctx: CliContext,
  target: Target,
  orders: PlannedOrder[],
  options: ApiFlags & { stateDir: string; refreshCatalog: boolean },
): Promise<LineError[]> {
  if (orders.length === 0) return [];
  try {
    const facts = await readAccountFacts(ctx, target, options);
    return buildDryRunReport(orders, [], facts.prices, facts.paymentMethods).problems;
  } catch (error) {
    if (error instanceof UserError) return [];
    throw error;
  }
}

/** `orders-5be0c1d7a93e:<order hash>-<n> (and 3 lines with their own requestId)` */
function requestIdRange(batch: string, planned: PlannedOrder[]): string {
  const own = planned.filter((order) => order.ownId).length;
  const parts: string[] = [];
  if (own < planned.length) parts.push(`${batch}:<order hash>-<n>`);
  if (own > 0) parts.push(`${own < planned.length ? 'and ' : ''}${own} line${own === 1 ? '' : 's'} with their own requestId`);
  return parts.join(' ');
}

/** The follow and status commands for the batch, with the state directory when it is not the one they would read. */
function nextSteps(ctx: CliContext, target: Target, batch: string, stateDir: string): string[] {
  const cli = 'npx hostinger-orders';
  const where = stateDir === stateDirectory(ctx.cwd, ctx.env) ? '' : ` --state-dir ${relative(ctx.cwd, stateDir) || stateDir}`;
  const follow = `${cli} follow --batch ${batch}${where}${target.kind === 'local' ? '' : ` --topic-arn ${ctx.env.OUTCOMES_TOPIC_ARN ?? '<outcomes topic ARN>'}`}`;
  const status = `${cli} status --batch ${batch}${where}${target.kind === 'local' ? '' : ` --table ${ctx.env.ORDERS_TABLE ?? '<ledger table>'}`}`;
  return [`  ${follow}   outcomes as they are published (Ctrl-C to stop)`, `  ${status}   where each request stands`];
}

/**
 * Checks the orders about to be sent against the catalog and the payment methods, as a dry run does: an
 * unknown item id is refused here, with its line and field, not by the pipeline after it was sent.
 * Returns true (after printing every problem) when something would be refused.
 */
async function checkCatalog(
  ctx: CliContext,
  target: Target,
  name: string,
  orders: PlannedOrder[],
  options: ApiFlags & { stateDir: string; refreshCatalog: boolean },
): Promise<boolean> {
  const facts = await readAccountFacts(ctx, target, options);
  const { problems } = buildDryRunReport(orders, [], facts.prices, facts.paymentMethods);
  if (problems.length === 0) {
    writeLine(ctx.stderr, `checked against the Hostinger catalog at ${facts.apiUrl}: ${describeFacts(facts, ctx.now())}`);
    return false;
  }
  printErrors(ctx, name, problems);
  const lines = new Set(problems.map((problem) => problem.line)).size;
  writeLine(
    ctx.stderr,
    `${name}: ${lines} line${lines === 1 ? '' : 's'} that the Hostinger catalog or the account (${facts.apiUrl}) would refuse; nothing was sent (--no-catalog-check sends without this check)`,
  );
  return true;
}

/** `submit <file>`: validates every line, then sends (or, with --dry-run, checks against the catalog). */
export async function submitCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('submit', args, SUBMIT_OPTIONS);
  if (positionals.length !== 1)
    throw usageError(positionals.length === 0 ? 'submit needs a file: hostinger-orders submit <file>' : `submit takes one file, got ${positionals.length}`);
  const target = parseTarget(ctx, values.target);
  const concurrency = integerOption(values.concurrency, 'concurrency', 8, 1, 100);
  if (values.batch !== undefined) {
    const problem = batchNameProblem(values.batch);
    if (problem) throw usageError(`--batch ${problem}`);
    if (values['new-batch']) throw usageError('--batch and --new-batch: give one of them');
  }
  const loaded = loadOrderFile(ctx, positionals[0] as string, values.format, stateDirectory(ctx.cwd, ctx.env, values['state-dir']), values.batch, Boolean(values['new-batch']));
  const { stateDir } = loaded;
  const apiOptions = { apiUrl: values['api-url'], tokenSecret: values['token-secret'], stateDir, refreshCatalog: Boolean(values['refresh-catalog']) };
  // Orders sent before in the batch are skipped (and left out of a dry run: they are not bought again).
  const previous = loaded.continued ?? readBatchState(stateDir, loaded.batch);
  const { toSend, skipped } = planResume(loaded.planned, previous);

  if (values['dry-run']) {
    announceTarget(ctx, target);
    const batch =
      previous || values.batch !== undefined ? `batch ${loaded.batch}${skipped.length > 0 ? ` (${skipped.length} of its orders, sent before, left out)` : ''}` : 'a new batch';
    const { dryRun } = await import('./dry-run.ts');
    return dryRun(ctx, { ...loaded, planned: toSend, batch, target, ...apiOptions });
  }
  if (loaded.errors.length > 0) {
    const catalogProblems = values['no-catalog-check'] ? [] : await catalogProblemsIfReachable(ctx, target, loaded.planned, apiOptions);
    const errors = [...loaded.errors, ...catalogProblems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    printErrors(ctx, loaded.name, errors);
    const lines = new Set(errors.map((error) => error.line)).size;
    writeLine(ctx.stderr, `${loaded.name}: ${lines} line${lines === 1 ? '' : 's'} with problems; nothing was sent`);
    return 1;
  }

  announceTarget(ctx, target);
  let queueUrl: string;
  if (target.kind === 'local') queueUrl = target.local.queueUrl;
  else {
    const url = values.target === 'aws' ? ctx.env.ORDERS_QUEUE_URL : values.target;
    if (!url) throw usageError('--target aws needs ORDERS_QUEUE_URL, or give the queue URL: --target https://sqs.<region>.amazonaws.com/<account>/<queue>');
    queueUrl = url;
    warnAboutEndpointOverride(ctx);
  }

  if (loaded.continued) {
    const changed =
      loaded.continued.contentHash !== loaded.hash ? `; the file changed since, and orders are known by content, so orders sent then are skipped wherever their lines are now` : '';
    writeLine(ctx.stderr, `continuing batch ${loaded.batch}, in which ${loaded.name} was sent before${changed} (--new-batch buys the file's orders again as a new batch)`);
  } else if (previous && previous.file !== loaded.path) {
    writeLine(ctx.stderr, `note: batch ${loaded.batch} was sent from ${previous.file}; orders of ${loaded.name} identical to orders sent then are skipped`);
  }

  if (toSend.length > 0 && !values['no-catalog-check']) {
    const refused = await checkCatalog(ctx, target, loaded.name, toSend, apiOptions);
    if (refused) return 1;
  }

  const state = newBatchState(loaded.batch, loaded.path, loaded.hash, loaded.planned, new Date(ctx.now()), previous);
  writeBatchState(stateDir, state);
  const recorder = new ProgressRecorder(stateDir, state, loaded.planned, ctx.now);
  const progressPath = relative(ctx.cwd, recorder.path) || recorder.path;
  let started = ctx.now();

  let result: SendResult = { sent: [], failed: [], unsent: [], interrupted: false };
  if (toSend.length > 0) {
    const { SQSClient, SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
    const client = new SQSClient(target.kind === 'local' ? localClientSettings(target.local) : deployedClientSettings(ctx.env, queueUrl));
    started = ctx.now();
    const progress = createProgressReporter(ctx.stderr, toSend.length, ctx.now);
    let settled = 0;
    const removeForceExit = ctx.onForceExit(() => {
      recorder.flushIfDirty();
      const sent = recorder.sentLines();
      writeLine(ctx.stderr, `\nquit at once: lines confirmed sent: ${formatRanges(sent) || 'none'}; the rest were not confirmed (some may be on the queue).`);
      writeLine(ctx.stderr, `run the same command again to send the rest: confirmed lines are skipped, and the pipeline never buys one request id twice`);
    });
    try {
      result = await sendOrders({
        sendBatch: (input) => client.send(new SendMessageBatchCommand(input)),
        queueUrl,
        batch: loaded.batch,
        orders: toSend,
        concurrency,
        signal: ctx.signal,
        onSettled: ({ sent, failed }) => {
          if (sent.length > 0) recorder.markSent(sent);
          settled += sent.length + failed.length;
          progress.update(settled);
        },
      });
    } finally {
      progress.finish();
      recorder.flushIfDirty();
      removeForceExit();
      client.destroy();
    }
  }

  const seconds = (ctx.now() - started) / 1000;
  if (result.fatal)
    writeLine(
      ctx.stderr,
      `stopped: ${result.fatal}${target.kind === 'local' && /ECONNREFUSED/.test(result.fatal) ? ` (is npm start running? the local AWS endpoint is ${target.local.awsEndpoint})` : ''}`,
    );
  const out = ctx.stdout;
  const ordersCount = loaded.planned.length;
  writeLine(out, `batch ${loaded.batch} (${loaded.name}): ${ordersCount} order${ordersCount === 1 ? '' : 's'}, request ids ${requestIdRange(loaded.batch, loaded.planned)}`);
  writeLine(out, `  sent      ${String(result.sent.length).padStart(6)}${toSend.length === 0 ? '   nothing left to send' : ''}`);
  writeLine(
    out,
    `  skipped   ${String(skipped.length).padStart(6)}${skipped.length > 0 ? `   lines already sent earlier, skipped (lines ${formatRanges(skipped.map((order) => order.line))})` : ''}`,
  );
  const firstReason = result.failed[0]?.reason;
  writeLine(
    out,
    `  failed    ${String(result.failed.length).padStart(6)}${result.failed.length > 0 ? `   lines ${formatRanges(result.failed.map((f) => f.line))}: ${firstReason}` : ''}`,
  );
  if (result.unsent.length > 0)
    writeLine(out, `  not sent  ${String(result.unsent.length).padStart(6)}   lines ${formatRanges(result.unsent)}${result.interrupted ? ' (interrupted)' : ''}`);
  writeLine(out, `  duration  ${seconds.toFixed(1).padStart(6)} s${result.sent.length > 0 && seconds > 0 ? `   ${Math.round(result.sent.length / seconds)} orders/s` : ''}`);
  writeLine(out, `progress file: ${progressPath}`);

  const notSent = [...result.failed.map((f) => f.line), ...result.unsent];
  if (notSent.length > 0) {
    writeLine(out, `sent: ${formatRanges(recorder.sentLines()) ? `lines ${formatRanges(recorder.sentLines())}` : 'none'}`);
    writeLine(out, `not sent: lines ${formatRanges(notSent)}`);
    writeLine(out, `to send the rest, run the same command again: lines already sent are skipped, and the pipeline never buys one request id twice`);
  }
  if (result.sent.length > 0 || skipped.length > 0) {
    writeLine(out, 'next:');
    for (const line of nextSteps(ctx, target, loaded.batch, stateDir)) writeLine(out, line);
  }
  if (result.interrupted) return 130;
  return notSent.length > 0 ? 1 : 0;
}
