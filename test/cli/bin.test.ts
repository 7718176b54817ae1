import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assignRequestIds } from '../../lib/cli/file-batch.ts';
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
    writeFileSync(
      join(dir, 'orders.csv'),
      ['item_id,quantity', 'hostingercom-vps-kvm2-usd-1m,1', 'hostingercom-vps-kvm2-usd-1m,0', '"hostingercom-domain-com-usd-1y,1', ''].join('\n'),
    );
    const result = await bin(['submit', 'orders.csv'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    // The unclosed quote hides none of the other problems.
    expect(result.stderr).toBe(
      'orders.csv:3: items.0.quantity must be at least 1\norders.csv:4: invalid CSV: a quoted value is never closed (a missing double quote)\norders.csv: 2 lines with problems; nothing was sent\n',
    );
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

  it('a file sent before continues its batch, edited or not; --new-batch starts another; --batch names one', async () => {
    const file = join(dir, 'renewals.jsonl');
    const sentText = ['{"items": [{"item_id": "a"}]}', '{"items": [{"item_id": "b"}]}'].join('\n');
    const planned = assignRequestIds(parseJsonLines(sentText).orders, 'renewals-0a1b2c3d').planned;
    writeBatchState(join(dir, '.hostinger-orders'), { ...newBatchState('renewals-0a1b2c3d', file, 'old-hash', planned, new Date(0)), sent: [planned[0]?.requestId as string] });

    writeFileSync(file, `{"items": [{"item_id": "c"}]}\n${sentText}`); // edited: a line inserted at the top
    // Sent to a stack that is not running: what matters is the batch and what it tries to send.
    const continued = await cli(['submit', 'renewals.jsonl', '--no-catalog-check'], { cwd: dir, env: { LOCAL_AWS_PORT: '1' } });
    expect(continued.stderr).toContain('continuing batch renewals-0a1b2c3d, in which renewals.jsonl was sent before; the file changed since');
    expect(continued.stdout).toContain('batch renewals-0a1b2c3d (renewals.jsonl): 3 orders');
    expect(continued.stdout).toMatch(/skipped +1 +lines already sent earlier, skipped \(lines 2\)/);
    expect(continued.stdout).toMatch(/not sent +2 +lines 1, 3/);

    const fresh = await cli(['submit', 'renewals.jsonl', '--new-batch', '--no-catalog-check'], { cwd: dir, env: { LOCAL_AWS_PORT: '1' } });
    expect(fresh.stdout).toMatch(/batch renewals-[0-9a-f]{12} \(renewals\.jsonl\): 3 orders/);
    expect(fresh.stdout).not.toContain('renewals-0a1b2c3d');
    expect(fresh.stdout).toMatch(/not sent +3 +lines 1-3/);

    const named = await cli(['submit', 'renewals.jsonl', '--batch', 'renewals-0a1b2c3d', '--no-catalog-check'], { cwd: dir, env: { LOCAL_AWS_PORT: '1' } });
    expect(named.stdout).toMatch(/skipped +1 +lines already sent earlier, skipped \(lines 2\)/);
    expect((await cli(['submit', 'renewals.jsonl', '--batch', 'x', '--new-batch'], { cwd: dir })).code).toBe(2);
  });
});

describe('a file sent before from another working directory', () => {
  it('continues its batch, found in the .hostinger-orders of its folder or one above, rather than starting one that would buy again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hostinger-orders-cwd-'));
    mkdirSync(join(root, 'data', 'dec'), { recursive: true });
    const file = join(root, 'data', 'dec', 'renew.jsonl');
    const text = ['{"items": [{"item_id": "a"}]}', '{"items": [{"item_id": "b"}]}'].join('\n');
    writeFileSync(file, text);
    const planned = assignRequestIds(parseJsonLines(text).orders, 'renew-0a1b2c3d4e5f').planned;
    // Sent before from the checkout's root: its progress file is in <root>/.hostinger-orders.
    writeBatchState(join(root, '.hostinger-orders'), { ...newBatchState('renew-0a1b2c3d4e5f', file, 'h', planned, new Date(0)), sent: planned.map((o) => o.requestId) });

    for (const cwd of [join(root, 'data', 'dec'), mkdtempSync(join(tmpdir(), 'hostinger-orders-elsewhere-'))]) {
      const run = await cli(['submit', file, '--no-catalog-check'], { cwd, env: { LOCAL_AWS_PORT: '1' } });
      expect(run.stderr).toContain('continuing batch renew-0a1b2c3d4e5f');
      expect(run.stdout).toMatch(/sent +0 +nothing left to send/);
      expect(run.stdout).toMatch(/skipped +2 /);
      // status and follow are told where the batch's progress file is.
      expect(run.stdout).toContain(`npx hostinger-orders status --batch renew-0a1b2c3d4e5f --state-dir ${relative(cwd, join(root, '.hostinger-orders'))}`);
      expect(run.code).toBe(0);
    }
  });
});

describe('the manual', () => {
  it('every option of every command is in its help and in docs/cli.md', async () => {
    const { readFileSync } = await import('node:fs');
    const manual = readFileSync(resolve(import.meta.dirname, '../../docs/cli.md'), 'utf8');
    const { COMMAND_HELP } = await import('../../lib/cli/usage.ts');
    const options: Record<string, object> = {
      submit: (await import('../../lib/cli/commands/submit.ts')).SUBMIT_OPTIONS,
      status: (await import('../../lib/cli/commands/status.ts')).STATUS_OPTIONS,
      follow: (await import('../../lib/cli/commands/follow.ts')).FOLLOW_OPTIONS,
      redrive: (await import('../../lib/cli/commands/redrive.ts')).REDRIVE_OPTIONS,
    };
    const missing = Object.entries(options).flatMap(([command, of]) =>
      Object.keys(of).flatMap((name) => [
        ...(COMMAND_HELP[command]?.includes(`--${name}`) ? [] : [`help ${command}: --${name}`]),
        ...(manual.includes(`\`--${name}`) ? [] : [`docs/cli.md: --${name}`]),
      ]),
    );
    expect(missing).toEqual([]);
  });
});
