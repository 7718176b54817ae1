import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEndpoints } from '../../lib/cli/context.ts';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';
import { cli, endpointsOf } from './support.ts';

/**
 * A file edited between `submit` runs and continued in the same batch, over the whole local pipeline: every
 * order is bought once however its line moved, a new line is always sent, two identical lines are two
 * orders. Each order carries a coupon naming it, so the sandbox's orders can be counted per order.
 */
const DOMAIN = 'hostingercom-domain-com-usd-1y';

let t: TestStack;
let local: LocalEndpoints;
let dir: string;

beforeAll(async () => {
  t = await startTestStack();
  local = endpointsOf(t.stack.resources);
  dir = mkdtempSync(join(tmpdir(), 'hostinger-orders-edits-'));
});
afterAll(async () => {
  await t?.stop();
});

const line = (coupon: string) => JSON.stringify({ items: [{ item_id: DOMAIN }], coupons: [coupon] });
const boughtWith = (coupon: string) => t.ordersWithCoupon(coupon).length;
const batchOf = (stdout: string) => /^batch (\S+) /m.exec(stdout)?.[1] ?? '';

/** Waits for the outcomes of `count` distinct requests of the batch, then a little longer, so a request too many would show. */
async function settle(batch: string, count: number): Promise<void> {
  const ids = () => new Set(t.outcomes.filter((o) => o.requestId.startsWith(`${batch}:`)).map((o) => o.requestId));
  await waitUntil(() => (ids().size >= count ? true : undefined), 45_000, `${count} outcomes of batch ${batch}`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(ids().size).toBe(count);
}

async function submit(file: string, ...options: string[]): Promise<{ stdout: string; stderr: string }> {
  const run = await cli(['submit', file, ...options], { cwd: dir, local });
  expect(run.code, run.stderr).toBe(0);
  return run;
}

describe('a file edited between runs, continued', () => {
  it('a line inserted at the top is sent and no line is bought twice; deleted and moved lines buy nothing; a third identical line is a new order', async () => {
    const file = join(dir, 'edited.jsonl');
    writeFileSync(file, [line('ED-A'), line('ED-B'), line('ED-C'), line('ED-TWIN'), line('ED-TWIN')].join('\n'));
    const first = await submit('edited.jsonl');
    expect(first.stdout).toMatch(/sent +5\n/);
    const batch = batchOf(first.stdout);

    // Inserted at the top: every other line moves down one. Continued as a batch named outright (--batch),
    // as a user who kept the batch name would; the runs below continue it by default.
    writeFileSync(file, [line('ED-NEW'), line('ED-A'), line('ED-B'), line('ED-C'), line('ED-TWIN'), line('ED-TWIN')].join('\n'));
    const inserted = await submit('edited.jsonl', '--batch', batch);
    expect(inserted.stdout).toContain(`batch ${batch} (edited.jsonl): 6 orders`);
    expect(inserted.stdout).toMatch(/sent +1\n/);
    expect(inserted.stdout).toMatch(/skipped +5 +lines already sent earlier, skipped \(lines 2-6\)/);

    // A line deleted, the rest reversed.
    writeFileSync(file, [line('ED-TWIN'), line('ED-TWIN'), line('ED-C'), line('ED-A'), line('ED-NEW')].join('\n'));
    const reordered = await submit('edited.jsonl');
    expect(reordered.stdout).toMatch(/sent +0 +nothing left to send/);
    expect(reordered.stdout).toMatch(/skipped +5 /);

    // A third identical line, in the middle: one more order.
    writeFileSync(file, [line('ED-TWIN'), line('ED-C'), line('ED-TWIN'), line('ED-A'), line('ED-TWIN'), line('ED-NEW')].join('\n'));
    const third = await submit('edited.jsonl');
    expect(third.stdout).toMatch(/sent +1\n/);

    await settle(batch, 7);
    expect(['ED-A', 'ED-B', 'ED-C', 'ED-NEW', 'ED-TWIN'].map(boughtWith)).toEqual([1, 1, 1, 1, 3]);

    // The batch still counts the deleted line's order among its requests.
    const status = await cli(['status', '--batch', batch, '--json'], { cwd: dir, local });
    expect(JSON.parse(status.stdout)).toMatchObject({ requests: 7, counts: { succeeded: 7 } });
  }, 90_000);

  it('any sequence of edits and runs buys each order as many times as the file ever held it at once: never twice, never skipped (property)', async () => {
    const KINDS = 4;
    /** An edit of the file, a list of order kinds: insert, delete, move, or duplicate a line. */
    const edit = fc.oneof(
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), kind: fc.nat({ max: KINDS - 1 }) }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
    );
    type Edit = { op: 'insert' | 'delete' | 'move' | 'duplicate'; at: number; kind?: number; to?: number };
    const apply = (lines: number[], change: Edit): number[] => {
      const next = [...lines];
      const at = next.length === 0 ? 0 : change.at % next.length;
      if (change.op === 'insert') next.splice(change.at % (next.length + 1), 0, change.kind ?? 0);
      else if (next.length === 0) return next;
      else if (change.op === 'delete') next.splice(at, 1);
      else if (change.op === 'duplicate') next.splice(at, 0, next[at] as number);
      else {
        const [moved] = next.splice(at, 1);
        next.splice((change.to ?? 0) % (next.length + 1), 0, moved as number);
      }
      return next;
    };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: KINDS - 1 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(edit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        async (initial, rounds) => {
          run += 1;
          const coupon = (kind: number) => `PROP-${run}-K${kind}`;
          const file = `property-${run}.jsonl`;
          const most = new Map<number, number>();
          let lines = initial;
          let batch = '';
          for (let round = 0; round <= rounds.length; round++) {
            if (round > 0) for (const change of rounds[round - 1] ?? []) lines = apply(lines, change);
            for (let kind = 0; kind < KINDS; kind++) most.set(kind, Math.max(most.get(kind) ?? 0, lines.filter((k) => k === kind).length));
            if (lines.length === 0) continue; // an empty file sends nothing (and is refused)
            writeFileSync(join(dir, file), lines.map((kind) => line(coupon(kind))).join('\n'));
            const named = batchOf((await submit(file)).stdout);
            // The first run names the batch; every later one continues it.
            if (batch === '') batch = named;
            else expect(named).toBe(batch);
          }
          const expected = [...most.values()].reduce((sum, n) => sum + n, 0);
          await settle(batch, expected);
          for (let kind = 0; kind < KINDS; kind++) expect(boughtWith(coupon(kind)), `kind ${kind} after ${JSON.stringify({ initial, rounds })}`).toBe(most.get(kind));
        },
      ),
      { numRuns: 12, seed: Number(process.env.EDITS_SEED ?? 20261130) },
    );
  }, 300_000);
});
