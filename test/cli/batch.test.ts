import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/cli/context.ts';
import { assignRequestIds, batchNameProblem, formatRanges, formatRangesBrief, newBatchName, orderHash, type PlannedOrder } from '../../lib/cli/file-batch.ts';
import { writeRunningStack } from '../../lib/cli/local-resources.ts';
import type { FileOrder } from '../../lib/cli/order-lines.ts';
import {
  BatchMembers,
  batchesOfFile,
  batchStatePath,
  newBatchState,
  ProgressRecorder,
  planResume,
  readBatchState,
  requestIdsOf,
  writeBatchState,
} from '../../lib/cli/progress-state.ts';
import { localEndpoints, regionOf } from '../../lib/cli/targets.ts';

const order = (line: number, requestId?: string): FileOrder => ({
  line,
  message: { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }], ...(requestId ? { requestId } : {}) },
});

describe('batch names', () => {
  it('are the file name as a slug plus a random part: two batches of one file never share request ids', () => {
    expect(newBatchName('/data/Fleet Renewal (Dec).csv', () => '5be0c1d7a93e')).toBe('fleet-renewal-dec-5be0c1d7a93e');
    expect(newBatchName('###.jsonl', () => 'ab')).toBe('orders-ab');
    expect(newBatchName('x/orders.csv')).toMatch(/^orders-[0-9a-f]{12}$/);
    expect(newBatchName('x/orders.csv')).not.toBe(newBatchName('x/orders.csv'));
  });

  it('must make valid request ids', () => {
    expect(batchNameProblem('fleet-2026.12_a')).toBeUndefined();
    expect(batchNameProblem('has space')).toBeDefined();
    expect(batchNameProblem('a:b')).toBeDefined();
    expect(batchNameProblem('-leading')).toBeDefined();
    expect(batchNameProblem('x'.repeat(101))).toBeDefined();
    expect(batchNameProblem('x'.repeat(100))).toBeUndefined();
    expect(assignRequestIds([order(2)], 'x'.repeat(100)).planned[0]?.message.requestId.length).toBeLessThanOrEqual(128);
  });
});

const other = (line: number, itemId = 'hostingercom-domain-com-usd-1y'): FileOrder => ({ line, message: { items: [{ item_id: itemId, quantity: 1 }] } });
const idsByLine = (orders: FileOrder[], batch = 'b-1') => Object.fromEntries(assignRequestIds(orders, batch).planned.map((p) => [p.line, p.requestId]));

describe('request ids', () => {
  it('are <batch>:<order hash>-<n>, or the id a line names; deterministic', () => {
    const orders = [order(2), order(3, 'my-own'), other(5)];
    const first = assignRequestIds(orders, 'orders-3f2a9c');
    expect(first.errors).toEqual([]);
    expect(first.planned.map((p) => [p.line, p.requestId, p.ownId])).toEqual([
      [2, `orders-3f2a9c:${orderHash(order(2).message)}-1`, false],
      [3, 'my-own', true],
      [5, `orders-3f2a9c:${orderHash(other(5).message)}-1`, false],
    ]);
    expect(first.planned[0]?.requestId).toMatch(/^orders-3f2a9c:[0-9a-f]{16}-1$/);
    expect(first.planned[0]?.message.requestId).toBe(first.planned[0]?.requestId);
    expect(assignRequestIds(orders, 'orders-3f2a9c')).toEqual(first);
  });

  it("follow the order, not its line: inserting, deleting and moving lines keeps every other order's id", () => {
    const before = idsByLine([order(1), other(2), other(3, 'hostingercom-vps-kvm1-eur-1m')]);
    const after = idsByLine([other(1, 'hostingercom-hosting-premium-usd-12m'), other(2, 'hostingercom-vps-kvm1-eur-1m'), order(3)]);
    expect(after[3]).toBe(before[1]);
    expect(after[2]).toBe(before[3]);
    expect(Object.values(before)).not.toContain(after[1]);
  });

  it('count identical orders: two identical lines are two orders, a third one added anywhere is a new one', () => {
    const two = idsByLine([order(1), order(2)]);
    expect(two[1]).not.toBe(two[2]);
    const three = idsByLine([order(1), other(2), order(3), order(4)]);
    expect(new Set([three[1], three[3], three[4]])).toEqual(new Set([two[1], two[2], three[4]]));
    expect(three[4]).toMatch(/-3$/);
  });

  it('read the order as the pipeline does: field order, defaults and the request id leave it the same', () => {
    const a = orderHash({ items: [{ item_id: 'x', quantity: 1 }], payment_method_id: 7, coupons: ['A'] });
    expect(orderHash({ coupons: ['A'], payment_method_id: 7, items: [{ quantity: 1, item_id: 'x' }], requestId: 'anything' })).toBe(a);
    expect(orderHash({ items: [{ item_id: 'x', quantity: 2 }], payment_method_id: 7, coupons: ['A'] })).not.toBe(a);
    expect(orderHash({ items: [{ item_id: 'x', quantity: 1 }], payment_method_id: 7, coupons: ['B'] })).not.toBe(a);
    // The rows of a CSV group moved: the same order.
    const two = orderHash({
      items: [
        { item_id: 'x', quantity: 1 },
        { item_id: 'y', quantity: 2 },
      ],
    });
    expect(
      orderHash({
        items: [
          { item_id: 'y', quantity: 2 },
          { item_id: 'x', quantity: 1 },
        ],
      }),
    ).toBe(two);
    expect(
      orderHash({
        items: [
          { item_id: 'y', quantity: 1 },
          { item_id: 'x', quantity: 2 },
        ],
      }),
    ).not.toBe(two);
  });

  it('refuses two lines with one request id', () => {
    const { errors, planned } = assignRequestIds([order(2, 'dup'), order(3, 'dup'), order(4, 'c')], 'b');
    expect(errors).toEqual([{ line: 3, message: 'requestId dup is also the request id of line 2' }]);
    expect(planned.map((p) => p.line)).toEqual([2, 4]);
  });
});

describe('line ranges', () => {
  it('are printed compactly', () => {
    expect(formatRanges([7, 2, 3, 4, 4, 10, 11])).toBe('2-4, 7, 10-11');
    expect(formatRangesBrief([1, 3, 5, 7, 9], 3)).toBe('1, 3, 5, …');
  });
});

const planned = (orders: FileOrder[]): PlannedOrder[] => assignRequestIds(orders, 'b-1').planned;

describe('resume', () => {
  it('skips the orders the progress file records as sent, wherever their lines are now, and sends the rest', () => {
    const first = planned([order(1), other(2)]);
    const state = { ...newBatchState('b-1', '/f.csv', 'h', first, new Date(0)), sent: first.map((o) => o.requestId) };
    // A line inserted at the top: the two sent orders move down, and only the new one is sent.
    const edited = planned([other(1, 'hostingercom-vps-kvm1-eur-1m'), order(2), other(3)]);
    const { toSend, skipped } = planResume(edited, state);
    expect(toSend.map((o) => o.line)).toEqual([1]);
    expect(skipped.map((o) => o.line)).toEqual([2, 3]);
    expect(planResume(edited, undefined).toSend).toHaveLength(3);
  });

  it('keeps the progress file on disk, as lines are confirmed, and lists request ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-state-'));
    const all = planned([order(2), order(3, 'own-id'), other(4)]);
    const [a, own, b] = all.map((o) => o.requestId);
    const state = newBatchState('b-1', '/data/f.csv', 'hash1', all, new Date(0));
    writeBatchState(dir, state);
    let clock = 0;
    const recorder = new ProgressRecorder(dir, state, all, () => clock, 200);
    recorder.markSent([2]); // first write: at once
    expect(readBatchState(dir, 'b-1')?.sent).toEqual([a]);
    clock = 50;
    recorder.markSent([3]); // throttled
    expect(readBatchState(dir, 'b-1')?.sent).toEqual([a]);
    recorder.flushIfDirty();
    expect(readBatchState(dir, 'b-1')?.sent).toEqual([a, own]);
    expect(recorder.sentLines()).toEqual([2, 3]);

    const reread = readBatchState(dir, 'b-1');
    expect(reread && requestIdsOf(reread)).toEqual([a, own, b]);
    expect(reread?.requests).toEqual({ [a as string]: 2, 'own-id': 3, [b as string]: 4 });
    expect(reread && planResume(all, reread).toSend.map((o) => o.line)).toEqual([4]);
    expect(batchesOfFile(dir, '/data/f.csv').map((s) => s.batch)).toEqual(['b-1']);
    expect(batchesOfFile(dir, '/data/other.csv')).toEqual([]);
    expect(readBatchState(dir, 'nope')).toBeUndefined();
  });

  it('a re-run keeps what earlier runs sent, and the batch keeps orders sent before they left the file', () => {
    const all = planned([order(2), other(3)]);
    const earlier = { ...newBatchState('b-1', '/f.csv', 'h', all, new Date(0)), sent: [all[0]?.requestId as string] };
    const rerun = newBatchState('b-1', '/f.csv', 'h2', all.slice(1), new Date(1000), earlier);
    expect(rerun).toMatchObject({ sent: earlier.sent, contentHash: 'h2', createdAt: new Date(0).toISOString() });
    expect(requestIdsOf(rerun).sort()).toEqual(all.map((o) => o.requestId).sort());
  });

  it('says how to recover from a damaged progress file, and refuses one that named orders by line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-state-'));
    writeBatchState(dir, newBatchState('b-1', '/f.csv', 'h', planned([order(2)]), new Date(0)));
    writeFileSync(batchStatePath(dir, 'b-1'), readFileSync(batchStatePath(dir, 'b-1'), 'utf8').slice(0, 20));
    expect(() => readBatchState(dir, 'b-1')).toThrow(UserError);
    expect(() => readBatchState(dir, 'b-1')).toThrow(/damaged.*move it away/);
    writeFileSync(batchStatePath(dir, 'b-1'), JSON.stringify({ version: 1, batch: 'b-1', file: '/f.csv', lines: '2', sent: '2' }));
    expect(() => readBatchState(dir, 'b-1')).toThrow(/earlier version of the CLI, which named orders by line number/);
    // Nor is such a batch passed over when its file is sent again (a new batch would buy its orders again).
    expect(() => batchesOfFile(dir, '/f.csv')).toThrow(/earlier version of the CLI/);
    expect(batchesOfFile(dir, '/other.csv')).toEqual([]);
  });
});

describe('batch members', () => {
  it('grow as the progress file does: a member written after the first read is known at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-members-'));
    const members = new BatchMembers(dir, 'b-1');
    members.refresh();
    expect(members.recorded).toBe(false);
    expect(members.has('own-id')).toBe(false);

    const first = planned([order(2)]);
    writeBatchState(dir, newBatchState('b-1', '/f.csv', 'h', first, new Date(0)));
    expect(members.has(first[0]?.requestId as string)).toBe(true);
    expect(members.recorded).toBe(true);

    const second = planned([order(2), order(3, 'own-id')]);
    writeBatchState(dir, { ...newBatchState('b-1', '/f.csv', 'h2', second.slice(1), new Date(0)), sent: [first[0]?.requestId as string] });
    expect(members.has('own-id')).toBe(true);
    expect(members.all()).toEqual(['own-id', first[0]?.requestId]);
    expect(members.has('b-1:other')).toBe(false);
  });
});

describe('targets', () => {
  it('the local endpoint is the one npm start recorded, in this folder; else LOCAL_AWS_PORT or 4566; overrides win', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-target-'));
    expect(localEndpoints({}, root)).toMatchObject({
      awsEndpoint: 'http://127.0.0.1:4566',
      queueUrl: 'http://127.0.0.1:4566/000000000000/hostinger-orders',
      deadLetterQueueUrl: 'http://127.0.0.1:4566/000000000000/hostinger-orders-dlq',
      topicArn: 'arn:aws:sns:us-east-1:000000000000:hostinger-orders-outcomes',
      tableName: 'hostinger-orders',
      source: expect.stringContaining('no running npm start recorded'),
    });
    expect(localEndpoints({ LOCAL_AWS_PORT: '5000' }, root).queueUrl).toBe('http://127.0.0.1:5000/000000000000/hostinger-orders');

    await writeRunningStack(root, { orderApiUrl: 'http://127.0.0.1:3001', awsEndpoint: 'http://127.0.0.1:4999', hostingerApiUrl: 'http://127.0.0.1:4001' });
    // Another stack on 4566 (or LOCAL_AWS_PORT) does not get the orders: the recorded one does.
    expect(localEndpoints({ LOCAL_AWS_PORT: '5000' }, root)).toMatchObject({
      awsEndpoint: 'http://127.0.0.1:4999',
      queueUrl: 'http://127.0.0.1:4999/000000000000/hostinger-orders',
      hostingerApiUrl: 'http://127.0.0.1:4001',
      source: `recorded by npm start in ${join('.hostinger-orders', 'local.json')}`,
    });
    expect(localEndpoints({}, root, { awsEndpoint: 'http://x', queueUrl: 'http://x/q' })).toMatchObject({ queueUrl: 'http://x/q', source: 'given' });
  });

  it('a deployed resource tells its region', () => {
    expect(regionOf('https://sqs.eu-west-1.amazonaws.com/123456789012/orders')).toBe('eu-west-1');
    expect(regionOf('arn:aws:sns:ap-southeast-2:123456789012:outcomes')).toBe('ap-southeast-2');
    expect(regionOf('http://127.0.0.1:4566/000000000000/q')).toBeUndefined();
  });
});
