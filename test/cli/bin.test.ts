import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assignRequestIds, defaultBatchName } from '../../lib/cli/file-batch.ts';
import { parseJsonLines } from '../../lib/cli/json-orders.ts';
import { newBatchState, writeBatchState } from '../../lib/cli/progress-state.ts';
import { capture, cli } from './support.ts';

const BIN = resolve(import.meta.dirname, '../../bin/hostinger-orders.mjs');
const run = promisify(execFile);

/** The real executable, as npx runs it: node bin/hostinger-orders.mjs. */
async function bin(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // An unused port: a command that wrongly tried to send would fail with ECONNREFUSED, not pass.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, LOCAL_AWS_PORT: '1' };
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('bin/hostinger-orders.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostinger-orders-bin-'));

  it('prints the usage with examples', async () => {
    const result = await bin(['help'], dir);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('hostinger-orders submit <file>');
    expect(result.stdout).toContain('npx hostinger-orders submit orders.csv --dry-run');
    const submitHelp = await bin(['submit', '--help'], dir);
    expect(submitHelp.stdout).toContain('--concurrency N');
  });

  it('names the file and line of each malformed line, sends nothing and exits 1', async () => {
    writeFileSync(join(dir, 'orders.csv'), ['item_id,quantity', 'hostingercom-vps-kvm2-usd-1m,1', 'hostingercom-vps-kvm2-usd-1m,0', '"hostingercom-domain-com-usd-1y,1', ''].join('\n'));
    const result = await bin(['submit', 'orders.csv'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    // The unclosed quote hides none of the other problems.
    expect(result.stderr).toBe('orders.csv:3: items.0.quantity must be at least 1\norders.csv:4: invalid CSV: a quoted value is never closed (a missing double quote)\norders.csv: 2 lines with problems; nothing was sent\n');
    writeFileSync(join(dir, 'orders.csv'), ['item_id,quantity', 'hostingercom-vps-kvm2-usd-1m,1', 'hostingercom-vps-kvm2-usd-1m,0'].join('\n'));
    expect((await bin(['submit', 'orders.csv'], dir)).stderr).toBe('orders.csv:3: items.0.quantity must be at least 1\norders.csv: 1 line with problems; nothing was sent\n');
  });

  it('answers a usage error with one line and exit status 2', async () => {
    const result = await bin(['submit', 'orders.csv', '--concurency', '3'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hostinger-orders: Unknown option '--concurency' \(see: hostinger-orders help submit\)\n$/);
  });
});

describe('usage errors (in-process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostinger-orders-usage-'));
  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['submit'], 'submit needs a file'],
    [['submit', 'orders.txt'], 'unknown file type'],
    [['submit', 'a.csv', '--target', 'mars'], '--target must be "local", "aws" or a queue URL'],
    [['submit', 'a.csv', '--concurrency', '0'], '--concurrency must be an integer from 1 to 100'],
    [['submit', 'a.csv', '--batch', 'no spaces'], '--batch may contain only'],
    [['status'], 'status takes one request id, or --batch <name>'],
    [['status', '--target', 'aws', 'x'], 'pass --table <name> or set ORDERS_TABLE'],
    [['follow', '--type', 'order.won'], '--type must be one of order.succeeded'],
    [['redrive', '--queue-url', 'https://sqs.eu-west-1.amazonaws.com/1/q'], 'needs both queues'],
    [['help', 'nope'], 'no command "nope"'],
  ])('%j', async (argv, message) => {
    const result = await cli(argv, { cwd: dir, stderr: capture() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a missing file is a one-line error with exit status 1', async () => {
    const result = await cli(['submit', 'missing.jsonl'], { cwd: dir });
    expect(result).toMatchObject({ code: 1, stderr: 'hostinger-orders: cannot read missing.jsonl: no such file\n' });
  });

  it('two lines with one request id are refused before anything is sent', async () => {
    writeFileSync(join(dir, 'dup.jsonl'), ['{"requestId": "x", "items": [{"item_id": "a"}]}', '{"requestId": "x", "items": [{"item_id": "b"}]}'].join('\n'));
    const result = await cli(['submit', 'dup.jsonl'], { cwd: dir, env: { LOCAL_AWS_PORT: '1' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('dup.jsonl:2: requestId x is also the request id of line 1');
  });

  it('a file sent before under another batch name (edited since, or named then) is not sent again silently', async () => {
    const file = join(dir, 'renewals.jsonl');
    const sentText = ['{"items": [{"item_id": "a"}]}', '{"items": [{"item_id": "b"}]}'].join('\n');
    const planned = assignRequestIds(parseJsonLines(sentText).orders, defaultBatchName(file, sentText)).planned;
    writeBatchState(join(dir, '.hostinger-orders'), { ...newBatchState(defaultBatchName(file, sentText), file, 'old-hash', planned, new Date(0)), sent: '1' });

    writeFileSync(file, `${sentText}\n{"items": [{"item_id": "c"}]}`); // edited: a line appended
    const refused = await cli(['submit', 'renewals.jsonl'], { cwd: dir, env: { LOCAL_AWS_PORT: '1' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`renewals.jsonl was sent before as batch ${defaultBatchName(file, sentText)} (lines 1 sent; the file has changed since)`);
    expect(refused.stderr).toContain(`to continue batch ${defaultBatchName(file, sentText)}: --batch ${defaultBatchName(file, sentText)}`);
    expect(refused.stdout).toBe('');

    // Either choice goes on to send (here to a stack that is not running).
    for (const choice of [['--new-batch'], ['--batch', defaultBatchName(file, sentText)]]) {
      const sent = await cli(['submit', 'renewals.jsonl', ...choice], { cwd: dir, env: { LOCAL_AWS_PORT: '1' } });
      expect(sent.stderr).toContain('ECONNREFUSED');
    }
  });
});
