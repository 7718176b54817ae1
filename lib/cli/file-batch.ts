import { createHash, randomBytes } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { PurchaseMessage } from '../order/kinds/purchase.ts';
import { requestIdSchema } from '../order/order-request.ts';
import type { FileOrder, LineError } from './order-lines.ts';

/**
 * Batches and their request ids. An order of a file is known by its content, not by its line: its request
 * id is `<batch>:<order hash>-<n>`, the hash of the order (as the pipeline reads it) and n counting identical
 * orders in the file (two identical lines are two orders), unless its line names its own `requestId`.
 * So a file edited between runs (lines inserted, deleted, moved) and sent again in the same batch never
 * buys a sent order twice and never skips a new one: the pipeline's ledger dedupes by request id. Batch
 * names end in a random part (`orders-5be0c1d7a93e`): request ids cannot be guessed from a file.
 */

export const contentHash = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** JSON with object keys sorted: the same order reads the same whatever order its fields were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What identifies an order of a file: a hash of the validated order, without any request id, its items
 * in a canonical order (the rows of a CSV group may be moved) (16 hex digits).
 */
export function orderHash(message: PurchaseMessage): string {
  const { requestId: _requestId, ...order } = message;
  if (order.kind !== undefined) return contentHash(canonicalJson(order)).slice(0, 16);
  const items = order.items.map(canonicalJson).sort();
  return contentHash(canonicalJson({ ...order, items })).slice(0, 16);
}

/** `Fleet Renewal (Dec).csv` → `fleet-renewal-dec-5be0c1d7a93e` (the last part random). */
export function newBatchName(filePath: string, random: () => string = () => randomBytes(6).toString('hex')): string {
  const slug =
    basename(filePath, extname(filePath))
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'orders';
  return `${slug}-${random()}`;
}

/** A batch name must make valid request ids (`<batch>:<order hash>-<n>`, at most 128 characters). */
export function batchNameProblem(name: string): string | undefined {
  if (name.length > 100) return 'must be at most 100 characters';
  if (!requestIdSchema.safeParse(`${name}:1`).success || name.includes(':')) return 'may contain only letters, digits, ".", "_" and "-", and must start with a letter or a digit';
  return undefined;
}

/** An order ready to send: the queue message carries its request id. */
export interface PlannedOrder {
  line: number;
  requestId: string;
  /** True when the line names its own request id (not `<batch>:<order hash>-<n>`). */
  ownId: boolean;
  message: PurchaseMessage & { requestId: string };
}

const batchRequestId = (batch: string, hash: string, occurrence: number) => `${batch}:${hash}-${occurrence}`;

/** Gives every order its request id; two lines naming the same id would be one request, so that is an error. */
export function assignRequestIds(orders: FileOrder[], batch: string): { planned: PlannedOrder[]; errors: LineError[] } {
  const firstLineOf = new Map<string, number>();
  const occurrences = new Map<string, number>();
  const planned: PlannedOrder[] = [];
  const errors: LineError[] = [];
  for (const { line, message } of orders) {
    let requestId = message.requestId;
    if (requestId === undefined) {
      const hash = orderHash(message);
      const occurrence = (occurrences.get(hash) ?? 0) + 1;
      occurrences.set(hash, occurrence);
      requestId = batchRequestId(batch, hash, occurrence);
    }
    const first = firstLineOf.get(requestId);
    if (first !== undefined) {
      errors.push({ line, message: `requestId ${requestId} is also the request id of line ${first}` });
      continue;
    }
    firstLineOf.set(requestId, line);
    planned.push({ line, requestId, ownId: message.requestId !== undefined, message: { ...message, requestId } });
  }
  return { planned, errors };
}

/** Sorted, distinct numbers as ranges: [2, 3, 4, 7] → [[2, 4], [7, 7]]. */
export function toRanges(numbers: Iterable<number>): [number, number][] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const n of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else ranges.push([n, n]);
  }
  return ranges;
}

/** [2, 3, 4, 7] → "2-4, 7" */
export function formatRanges(numbers: Iterable<number>): string {
  return toRanges(numbers)
    .map(([from, to]) => (from === to ? String(from) : `${from}-${to}`))
    .join(', ');
}

/** Like formatRanges, cut after `maxParts` ranges: "2, 4, 6, …". */
export function formatRangesBrief(numbers: Iterable<number>, maxParts = 8): string {
  const ranges = toRanges(numbers);
  const parts = ranges.map(([from, to]) => (from === to ? String(from) : `${from}-${to}`));
  return parts.length <= maxParts ? parts.join(', ') : `${parts.slice(0, maxParts).join(', ')}, …`;
}
