import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { integerOption, parseCommandArgs } from '../args.ts';
import { assignRequestIds, batchNameProblem, contentHash, defaultBatchName, formatRanges, type PlannedOrder } from '../file-batch.ts';
import { UserError, errorMessage, usageError, writeLine, type CliContext } from '../context.ts';
import { ORDER_FORMATS, formatOf, parseOrderFile, type OrderFormat } from '../order-file.ts';
import { formatLineError, type LineError } from '../order-lines.ts';
import { createProgressReporter } from '../progress-bar.ts';
import { ProgressRecorder, batchesOfFile, type BatchState, newBatchState, planResume, readBatchState, stateDirectory, writeBatchState } from '../progress-state.ts';
import { sendOrders, type SendResult } from '../sqs-sender.ts';
import { announceTarget, deployedClientSettings, localClientSettings, parseTarget, warnAboutEndpointOverride, type Target } from '../targets.ts';

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
} as const;

interface LoadedFile {
  /** The path as the user gave it, for messages (`orders.csv:17: …`). */
  name: string;
  path: string;
  hash: string;
  batch: string;
  planned: PlannedOrder[];
  errors: LineError[];
}

function loadOrderFile(ctx: CliContext, file: string, formatFlag: string | undefined, batchFlag: string | undefined): LoadedFile {
  const format = (formatFlag ?? formatOf(file)) as OrderFormat | undefined;
  if (!format || !ORDER_FORMATS.includes(format)) {
    throw usageError(formatFlag ? `--format must be one of ${ORDER_FORMATS.join(', ')}` : `${file}: unknown file type; use .json, .jsonl, .ndjson or .csv, or pass --format`);
  }
  if (batchFlag !== undefined) {
    const problem = batchNameProblem(batchFlag);
    if (problem) throw usageError(`--batch ${problem}`);
  }
  const path = resolve(ctx.cwd, file);
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : errorMessage(error)}`);
  }
  const batch = batchFlag ?? defaultBatchName(file, content);
  const parsed = parseOrderFile(content.toString('utf8'), format);
  const assigned = assignRequestIds(parsed.orders, batch);
  const errors = [...parsed.errors, ...assigned.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (errors.length === 0 && assigned.planned.length === 0) errors.push({ message: 'no orders in the file' });
  return { name: file, path, hash: contentHash(content), batch, planned: assigned.planned, errors };
}

function printErrors(ctx: CliContext, loaded: LoadedFile): void {
  for (const error of loaded.errors.slice(0, MAX_ERRORS_SHOWN)) writeLine(ctx.stderr, formatLineError(loaded.name, error));
  if (loaded.errors.length > MAX_ERRORS_SHOWN) writeLine(ctx.stderr, `… and ${loaded.errors.length - MAX_ERRORS_SHOWN} more`);
}

/** `orders-3f2a9c:2 … orders-3f2a9c:501 (and 3 lines with their own requestId)` */
function requestIdRange(planned: PlannedOrder[]): string {
  const derived = planned.filter((order) => !order.ownId);
  const own = planned.length - derived.length;
  const parts: string[] = [];
  if (derived.length === 1) parts.push(derived[0]?.requestId ?? '');
  else if (derived.length > 1) parts.push(`${derived[0]?.requestId} … ${derived[derived.length - 1]?.requestId}`);
  if (own > 0) parts.push(`${derived.length > 0 ? 'and ' : ''}${own} line${own === 1 ? '' : 's'} with their own requestId`);
  return parts.join(' ');
}

function nextSteps(target: Target, batch: string, env: CliContext['env']): string[] {
  const cli = 'npx hostinger-orders';
  const follow = target.kind === 'local' ? `${cli} follow --batch ${batch}` : `${cli} follow --batch ${batch} --topic-arn ${env.OUTCOMES_TOPIC_ARN ?? '<outcomes topic ARN>'}`;
  const status = target.kind === 'local' ? `${cli} status --batch ${batch}` : `${cli} status --batch ${batch} --table ${env.ORDERS_TABLE ?? '<ledger table>'}`;
  return [`  ${follow}   outcomes as they are published (Ctrl-C to stop)`, `  ${status}   where each request stands`];
}

/** `submit <file>`: validates every line, then sends (or, with --dry-run, checks against the catalog). */
export async function submitCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('submit', args, SUBMIT_OPTIONS);
  if (positionals.length !== 1) throw usageError(positionals.length === 0 ? 'submit needs a file: hostinger-orders submit <file>' : `submit takes one file, got ${positionals.length}`);
  const target = parseTarget(ctx, values.target);
  const concurrency = integerOption(values.concurrency, 'concurrency', 8, 1, 100);
  const loaded = loadOrderFile(ctx, positionals[0] as string, values.format, values.batch);
  const stateDir = stateDirectory(ctx.cwd, ctx.env, values['state-dir']);

  if (values['dry-run']) {
    announceTarget(ctx, target);
    const { dryRun } = await import('./dry-run.ts');
    return dryRun(ctx, { ...loaded, target, stateDir, apiUrl: values['api-url'], tokenSecret: values['token-secret'], refreshCatalog: Boolean(values['refresh-catalog']) });
  }
  if (loaded.errors.length > 0) {
    printErrors(ctx, loaded);
    const lines = new Set(loaded.errors.map((error) => error.line)).size;
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

  const previous = readBatchState(stateDir, loaded.batch);
  // Sent before under another batch name (edited since, or named with --batch then): its lines would get new request ids.
  const earlier = batchesOfFile(stateDir, loaded.path).filter((state) => state.batch !== loaded.batch && state.sent !== '');
  if (earlier.length > 0 && values.batch === undefined && !values['new-batch']) {
    const [first] = earlier as [BatchState, ...BatchState[]];
    const list = earlier.map((state) => `${state.batch} (lines ${state.sent} sent${state.contentHash !== loaded.hash ? '; the file has changed since' : ''})`).join(', ');
    throw new UserError(
      `${loaded.name} was sent before as batch ${list}. As batch ${loaded.batch} its lines would get new request ids, so lines sent before would be bought again.\n` +
        `  to continue batch ${first.batch}: --batch ${first.batch} (lines sent before are skipped; a sent line whose order changed is rejected by the pipeline, never bought twice)\n` +
        `  to buy the file's orders as a new batch: --new-batch`,
    );
  }
  if (previous && previous.contentHash !== loaded.hash) writeLine(ctx.stderr, `note: ${loaded.name} changed since batch ${loaded.batch} was last sent; lines sent then are skipped`);

  const state = newBatchState(loaded.batch, loaded.path, loaded.hash, loaded.planned, new Date(ctx.now()), previous);
  writeBatchState(stateDir, state);
  const recorder = new ProgressRecorder(stateDir, state, ctx.now);
  const progressPath = relative(ctx.cwd, recorder.path) || recorder.path;
  const { toSend, skipped } = planResume(loaded.planned, state);
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
  if (result.fatal) writeLine(ctx.stderr, `stopped: ${result.fatal}${target.kind === 'local' && /ECONNREFUSED/.test(result.fatal) ? ` (is npm start running? the local AWS endpoint is ${target.local.awsEndpoint})` : ''}`);
  const out = ctx.stdout;
  const ordersCount = loaded.planned.length;
  writeLine(out, `batch ${loaded.batch} (${loaded.name}): ${ordersCount} order${ordersCount === 1 ? '' : 's'}, request ids ${requestIdRange(loaded.planned)}`);
  writeLine(out, `  sent      ${String(result.sent.length).padStart(6)}${toSend.length === 0 ? '   nothing left to send' : ''}`);
  writeLine(out, `  skipped   ${String(skipped.length).padStart(6)}${skipped.length > 0 ? `   lines already sent earlier, skipped (lines ${formatRanges(skipped.map((order) => order.line))})` : ''}`);
  const firstReason = result.failed[0]?.reason;
  writeLine(out, `  failed    ${String(result.failed.length).padStart(6)}${result.failed.length > 0 ? `   lines ${formatRanges(result.failed.map((f) => f.line))}: ${firstReason}` : ''}`);
  if (result.unsent.length > 0) writeLine(out, `  not sent  ${String(result.unsent.length).padStart(6)}   lines ${formatRanges(result.unsent)}${result.interrupted ? ' (interrupted)' : ''}`);
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
    for (const line of nextSteps(target, loaded.batch, ctx.env)) writeLine(out, line);
  }
  if (result.interrupted) return 130;
  return notSent.length > 0 ? 1 : 0;
}
