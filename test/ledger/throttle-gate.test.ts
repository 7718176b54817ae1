import { describe, expect, it } from 'vitest';
import { createSharedThrottleGate } from '../../lib/retry/dynamodb-throttle-gate.ts';
import { useLedgerTable } from './support.ts';

const newTable = useLedgerTable();

/** Two containers' gates on one table, each with its own clock reading the same time. */
async function twoContainers(options: { cacheMs: number; maxPauseMs: number }) {
  const table = await newTable();
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const gate = () => createSharedThrottleGate({ ...table, ...options, now: clock.now });
  return { a: gate(), b: gate(), clock };
}

describe('DynamoDB throttle gate', () => {
  it('is open until a pause, which every container sees once its cached read expires', async () => {
    const { a, b, clock } = await twoContainers({ cacheMs: 2_000, maxPauseMs: 60_000 });
    await expect(a.pausedUntil()).resolves.toBe(0);
    await expect(b.pausedUntil()).resolves.toBe(0);
    await a.pause(clock.now() + 10_000);
    await expect(a.pausedUntil()).resolves.toBe(clock.now() + 10_000);
    // b read the gate a moment ago: it looks again only after cacheMs.
    await expect(b.pausedUntil()).resolves.toBe(0);
    clock.advance(2_000);
    await expect(b.pausedUntil()).resolves.toBe(clock.now() + 8_000);
    clock.advance(8_000);
    await expect(b.pausedUntil()).resolves.toBe(0);
  });

  it('never shortens a pause, and caps one 429’s pause at maxPauseMs', async () => {
    const { a, b, clock } = await twoContainers({ cacheMs: 0, maxPauseMs: 5_000 });
    await a.pause(clock.now() + 60_000);
    await expect(b.pausedUntil()).resolves.toBe(clock.now() + 5_000);
    await b.pause(clock.now() + 1_000);
    await expect(a.pausedUntil()).resolves.toBe(clock.now() + 5_000);
  });

  it('pauses its own container when the table cannot be reached', async () => {
    const table = await newTable();
    let now = 1_000_000;
    const gate = createSharedThrottleGate({ ...table, tableName: 'no-such-table', cacheMs: 0, maxPauseMs: 60_000, now: () => now });
    await gate.pause(now + 3_000);
    await expect(gate.pausedUntil()).resolves.toBe(now + 3_000);
    now += 3_000;
    await expect(gate.pausedUntil()).resolves.toBe(0);
  });
});
