import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignRequestIds, batchNameProblem, defaultBatchName, formatRanges, formatRangesBrief, parseRanges, type PlannedOrder } from '../../lib/cli/file-batch.ts';
import { UserError } from '../../lib/cli/context.ts';
import type { FileOrder } from '../../lib/cli/order-lines.ts';
import {
  ProgressRecorder,
  batchStatePath,
  batchesOfFile,
  newBatchState,
  planResume,
  readBatchState,
  requestIdsOf,
  writeBatchState,
} from '../../lib/cli/progress-state.ts';
import { writeRunningStack } from '../../lib/cli/local-resources.ts';
import { localEndpoints, regionOf } from '../../lib/cli/targets.ts';

const order = (line: number, requestId?: string): FileOrder => ({
  line,
  message: { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }], ...(requestId ? { requestId } : {}) },
});

describe('batch names', () => {
  it('are the file name as a slug plus a hash of the content: the same file always gets the same name', () => {
    expect(defaultBatchName('/data/Fleet Renewal (Dec).csv', 'a,b\n')).toMatch(/^fleet-renewal-dec-[0-9a-f]{6}$/);
    expect(defaultBatchName('x/orders.csv', 'content')).toBe(defaultBatchName('y/orders.csv', 'content'));
    expect(defaultBatchName('orders.csv', 'content')).not.toBe(defaultBatchName('orders.csv', 'content!'));
    expect(defaultBatchName('###.jsonl', '')).toMatch(/^orders-[0-9a-f]{6}$/);
  });

  it('must make valid request ids', () => {
    expect(batchNameProblem('fleet-2026.12_a')).toBeUndefined();
    expect(batchNameProblem('has space')).toBeDefined();
    expect(batchNameProblem('a:b')).toBeDefined();
    expect(batchNameProblem('-leading')).toBeDefined();
    expect(batchNameProblem('x'.repeat(101))).toBeDefined();
  });
});

describe('request ids', () => {
  it('are <batch>:<line>, or the id a line names; deterministic', () => {
    const orders = [order(2), order(3, 'my-own'), order(5)];
    const first = assignRequestIds(orders, 'orders-3f2a9c');
    expect(first.errors).toEqual([]);
    expect(first.planned.map((p) => [p.line, p.requestId, p.ownId])).toEqual([
      [2, 'orders-3f2a9c:2', false],
      [3, 'my-own', true],
      [5, 'orders-3f2a9c:5', false],
    ]);
    expect(first.planned[0]?.message.requestId).toBe('orders-3f2a9c:2');
    expect(assignRequestIds(orders, 'orders-3f2a9c')).toEqual(first);
  });

  it('refuses two lines with one request id', () => {
    const { errors, planned } = assignRequestIds([order(2, 'dup'), order(3, 'dup'), order(4, 'b:2'), order(2 + 0, undefined)], 'b');
    expect(errors).toEqual([
      { line: 3, message: 'requestId dup is also the request id of line 2' },
      { line: 2, message: 'requestId b:2 is also the request id of line 4' },
    ]);
    expect(planned.map((p) => p.line)).toEqual([2, 4]);
  });
});

describe('line ranges', () => {
  it('round-trip', () => {
    expect(formatRanges([7, 2, 3, 4, 4, 10, 11])).toBe('2-4, 7, 10-11');
    expect(parseRanges('2-4, 7, 10-11')).toEqual([2, 3, 4, 7, 10, 11]);
    expect(parseRanges('')).toEqual([]);
    expect(() => parseRanges('2-x')).toThrow();
    expect(formatRangesBrief([1, 3, 5, 7, 9], 3)).toBe('1, 3, 5, …');
  });
});

const planned = (lines: number[]): PlannedOrder[] => assignRequestIds(lines.map((line) => order(line)), 'b-1').planned;

describe('resume', () => {
  it('skips the lines the progress file records as sent, and sends the rest', () => {
    const all = planned([2, 3, 4, 5, 6]);
    const state = { ...newBatchState('b-1', '/f.csv', 'h', all, new Date(0)), sent: '2-3, 5' };
    const { toSend, skipped } = planResume(all, state);
    expect(toSend.map((o) => o.line)).toEqual([4, 6]);
    expect(skipped.map((o) => o.line)).toEqual([2, 3, 5]);
    expect(planResume(all, undefined).toSend).toHaveLength(5);
  });

  it('keeps the progress file on disk, as lines are confirmed, and lists request ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-state-'));
    const all = assignRequestIds([order(2), order(3, 'own-id'), order(4)], 'b-1').planned;
    const state = newBatchState('b-1', '/data/f.csv', 'hash1', all, new Date(0));
    writeBatchState(dir, state);
    let clock = 0;
    const recorder = new ProgressRecorder(dir, state, () => clock, 200);
    recorder.markSent([2]); // first write: at once
    expect(readBatchState(dir, 'b-1')?.sent).toBe('2');
    clock = 50;
    recorder.markSent([3]); // throttled
    expect(readBatchState(dir, 'b-1')?.sent).toBe('2');
    recorder.flushIfDirty();
    expect(readBatchState(dir, 'b-1')?.sent).toBe('2-3');

    const reread = readBatchState(dir, 'b-1');
    expect(reread && requestIdsOf(reread)).toEqual(['b-1:2', 'own-id', 'b-1:4']);
    expect(reread && planResume(all, reread).toSend.map((o) => o.line)).toEqual([4]);
    expect(batchesOfFile(dir, '/data/f.csv').map((s) => s.batch)).toEqual(['b-1']);
    expect(batchesOfFile(dir, '/data/other.csv')).toEqual([]);
    expect(readBatchState(dir, 'nope')).toBeUndefined();
  });

  it('a re-run keeps what earlier runs sent', () => {
    const all = planned([2, 3]);
    const earlier = { ...newBatchState('b-1', '/f.csv', 'h', all, new Date(0)), sent: '2' };
    expect(newBatchState('b-1', '/f.csv', 'h2', all, new Date(1000), earlier)).toMatchObject({ sent: '2', contentHash: 'h2', createdAt: new Date(0).toISOString() });
  });

  it('says how to recover from a damaged progress file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-state-'));
    writeBatchState(dir, newBatchState('b-1', '/f.csv', 'h', planned([2]), new Date(0)));
    writeFileSync(batchStatePath(dir, 'b-1'), readFileSync(batchStatePath(dir, 'b-1'), 'utf8').slice(0, 20));
    expect(() => readBatchState(dir, 'b-1')).toThrow(UserError);
    expect(() => readBatchState(dir, 'b-1')).toThrow(/damaged.*move it away/);
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
