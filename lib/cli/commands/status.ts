import type { FieldErrors } from '../../order/order-request.ts';
import { type OrderView, orderView } from '../../order/order-view.ts';
import { parseCommandArgs } from '../args.ts';
import { type CliContext, errorMessage, UserError, usageError, writeLine } from '../context.ts';
import { assignRequestIds, batchNameProblem } from '../file-batch.ts';
import { getLedgerRecords } from '../ledger-records.ts';
import { readOrderFile } from '../order-file.ts';
import { describeFieldErrors } from '../order-lines.ts';
import { readBatchState, requestIdsOf, stateDirectory } from '../progress-state.ts';
import { announceTarget, deployedClientSettings, localClientSettings, parseTarget, warnAboutEndpointOverride } from '../targets.ts';

export const STATUS_OPTIONS = {
  batch: { type: 'string' },
  file: { type: 'string' },
  format: { type: 'string' },
  target: { type: 'string' },
  table: { type: 'string' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
} as const;

const MAX_LISTED = 100;

/** `attempts=1 order=2957086 (awaiting_payment)`, `attempts=0 error=the order does not match…: items.0.item_id is not in the Hostinger catalog` */
function describeView(view: OrderView): string {
  const parts = [`attempts=${view.attempts}`];
  if (view.order) parts.push(`order=${view.order.id} (${view.order.status})`);
  if (view.error) {
    const { httpStatus, code, message, fieldErrors } = view.error as { httpStatus?: number; code?: string; message?: string; fieldErrors?: FieldErrors };
    // The field-level reasons are what a user can act on ("items.0.item_id is not in the catalog; nearest: …").
    const fields = fieldErrors && Object.keys(fieldErrors).length > 0 ? `: ${describeFieldErrors(fieldErrors)}` : '';
    parts.push(`error=${[httpStatus ?? code, message].filter((part) => part !== undefined && part !== '').join(' ')}${fields}`);
  }
  return parts.join(' ');
}

/** `status <requestId>` or `status --batch <name>`: where requests stand, from the ledger. */
export async function statusCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('status', args, STATUS_OPTIONS);
  if ((positionals.length === 1) === (values.batch !== undefined) || positionals.length > 1) {
    throw usageError('status takes one request id, or --batch <name>: hostinger-orders status <requestId> | status --batch <name>');
  }
  const target = parseTarget(ctx, values.target ?? (values.table !== undefined ? 'aws' : undefined));
  announceTarget(ctx, target);
  let tableName: string;
  if (target.kind === 'local') tableName = target.local.tableName;
  else {
    const table = values.table ?? ctx.env.ORDERS_TABLE;
    if (!table) throw usageError('the deployed ledger table: pass --table <name> or set ORDERS_TABLE');
    tableName = table;
    warnAboutEndpointOverride(ctx);
  }

  let requestIds: string[];
  let sentIds: Set<string> | undefined;
  /** The line each request's order is on in the file (as last sent, or as read with --file). */
  let lineOf = new Map<string, number>();
  if (values.batch !== undefined) {
    const problem = batchNameProblem(values.batch);
    if (problem) throw usageError(`--batch ${problem}`);
    const stateDir = stateDirectory(ctx.cwd, ctx.env, values['state-dir']);
    const state = values.file === undefined ? readBatchState(stateDir, values.batch) : undefined;
    if (values.file !== undefined) {
      // Without the progress file: the ids the file's orders have in this batch (orders since deleted from it are not found).
      const read = readOrderFile(ctx.cwd, values.file, values.format);
      const planned = assignRequestIds(read.orders, values.batch).planned;
      requestIds = planned.map((order) => order.requestId);
      lineOf = new Map(planned.map((order) => [order.requestId, order.line]));
    } else if (state) {
      requestIds = requestIdsOf(state);
      sentIds = new Set(state.sent);
      lineOf = new Map(Object.entries(state.requests));
    } else {
      throw new UserError(
        `no progress file for batch ${values.batch} in ${stateDir}: pass --state-dir <the .hostinger-orders folder submit wrote it in>, or --file <the order file> to look up the request ids its orders have in batch ${values.batch}`,
      );
    }
  } else {
    requestIds = [positionals[0] as string];
  }

  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient(target.kind === 'local' ? localClientSettings(target.local) : deployedClientSettings(ctx.env));
  try {
    if (values.batch === undefined) {
      const requestId = requestIds[0] as string;
      const { createDynamoDbRequestLedger } = await import('../../ledger/dynamodb-request-ledger.ts');
      const record = await createDynamoDbRequestLedger({ client, tableName }).get(requestId);
      if (!record) {
        writeLine(ctx.stderr, `no request ${requestId} in the ledger (${tableName}); a message still waiting on the queue is not in the ledger until the worker picks it up`);
        return 1;
      }
      writeLine(ctx.stdout, JSON.stringify(orderView(record), null, 2));
      return 0;
    }

    const records = await getLedgerRecords(client, tableName, requestIds);
    const views = requestIds.flatMap((id) => {
      const record = records.get(id);
      return record ? [orderView(record)] : [];
    });
    const missing = requestIds.filter((id) => !records.has(id));
    const counts: Record<string, number> = {};
    for (const view of views) counts[view.status] = (counts[view.status] ?? 0) + 1;
    const waiting = sentIds ? missing.filter((id) => sentIds.has(id)) : [];
    const notSent = sentIds ? missing.filter((id) => !sentIds.has(id)) : [];

    if (values.json) {
      const missingFields = sentIds ? { waiting, notSent } : { notInLedger: missing };
      writeLine(ctx.stdout, JSON.stringify({ batch: values.batch, requests: requestIds.length, counts, ...missingFields, views }, null, 2));
      return 0;
    }
    const out = ctx.stdout;
    writeLine(out, `batch ${values.batch}: ${requestIds.length} request${requestIds.length === 1 ? '' : 's'}`);
    const order = ['succeeded', 'pending', 'rejected', 'failed', 'unknown', 'submitting', 'reconciling', 'queued'];
    const rows: [string, number][] = Object.entries(counts).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    if (sentIds) {
      if (waiting.length > 0) rows.push(['sent, not picked up by the worker yet', waiting.length]);
      if (notSent.length > 0) rows.push(['not sent (run submit again)', notSent.length]);
    } else if (missing.length > 0) {
      rows.push(['not in the ledger', missing.length]);
    }
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, count] of rows) writeLine(out, `  ${label.padEnd(width)}  ${String(count).padStart(6)}`);
    const unfinished = views.filter((view) => view.status !== 'succeeded');
    if (unfinished.length > 0) {
      writeLine(out, 'not succeeded (yet):');
      const where = (view: OrderView) => {
        const line = lineOf.get(view.requestId);
        return line === undefined ? 'not in the file now' : `line ${line}`;
      };
      const listed = unfinished.slice(0, MAX_LISTED);
      const whereWidth = Math.max(...listed.map((view) => where(view).length));
      const idWidth = Math.max(...listed.map((view) => view.requestId.length));
      for (const view of listed) writeLine(out, `  ${where(view).padEnd(whereWidth)}  ${view.requestId.padEnd(idWidth)}  ${view.status.padEnd(10)} ${describeView(view)}`);
      if (unfinished.length > MAX_LISTED) writeLine(out, `  … and ${unfinished.length - MAX_LISTED} more (--json lists every request)`);
    }
    return 0;
  } catch (error) {
    const hint = target.kind === 'local' ? ` (is npm start running? the local AWS endpoint is ${target.local.awsEndpoint})` : '';
    throw new UserError(`could not read the ledger table ${tableName}: ${errorMessage(error)}${hint}`);
  } finally {
    client.destroy();
  }
}
