import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { requestIdSchema, type OrderMessage } from '../order/order-request.ts';
import type { FileOrder, LineError } from './order-lines.ts';

/**
 * Batches and their request ids. Every order of a file gets a deterministic request id, `<batch>:<line>`
 * unless its line names one, so sending a file again can never buy twice: the pipeline's ledger dedupes by
 * request id. The default batch name is the file's name plus a hash of its content (`orders-3f2a9c`).
 */

export const contentHash = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** `Fleet Renewal (Dec).csv` + content → `fleet-renewal-dec-3f2a9c` */
export function defaultBatchName(filePath: string, content: string | Buffer): string {
  const slug =
    basename(filePath, extname(filePath))
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'orders';
  return `${slug}-${contentHash(content).slice(0, 6)}`;
}

/** A batch name must make valid request ids with any line number (`<batch>:<line>`, at most 128 characters). */
export function batchNameProblem(name: string): string | undefined {
  if (name.length > 100) return 'must be at most 100 characters';
  if (!requestIdSchema.safeParse(`${name}:1`).success || name.includes(':')) return 'may contain only letters, digits, ".", "_" and "-", and must start with a letter or a digit';
  return undefined;
}

/** An order ready to send: the queue message carries its request id. */
export interface PlannedOrder {
  line: number;
  requestId: string;
  /** True when the line names its own request id (not `<batch>:<line>`). */
  ownId: boolean;
  message: OrderMessage & { requestId: string };
}

export const batchRequestId = (batch: string, line: number) => `${batch}:${line}`;

/** Gives every order its request id; two lines with the same id would be one request, so that is an error. */
export function assignRequestIds(orders: FileOrder[], batch: string): { planned: PlannedOrder[]; errors: LineError[] } {
  const firstLineOf = new Map<string, number>();
  const planned: PlannedOrder[] = [];
  const errors: LineError[] = [];
  for (const { line, message } of orders) {
    const requestId = message.requestId ?? batchRequestId(batch, line);
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

/** "2-4, 7" → [2, 3, 4, 7] */
export function parseRanges(text: string): number[] {
  const numbers: number[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`not a line range: "${part}"`);
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    for (let n = from; n <= to; n++) numbers.push(n);
  }
  return numbers;
}
