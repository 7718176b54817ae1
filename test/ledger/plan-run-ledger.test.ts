import { describe, expect, it } from 'vitest';
import { createDynamoDbPlanRunLedger } from '../../lib/ledger/dynamodb-plan-run-ledger.ts';
import { useLedgerTable } from './support.ts';

const newTable = useLedgerTable();
const T0 = new Date('2026-11-30T03:00:00.000Z');
const run = { run: 'nightly:2026-11-30T03:00:00Z', plan: 'nightly', size: 2, scheduledAt: '2026-11-30T03:00:00Z', now: T0 };

describe('DynamoDB plan-run ledger', () => {
  it('records a run once: a repeat firing is told so', async () => {
    const runs = createDynamoDbPlanRunLedger(await newTable());
    await expect(runs.createRun(run)).resolves.toBe(true);
    await expect(runs.createRun({ ...run, size: 5 })).resolves.toBe(false);
  });

  it('records each order’s end once per request and reports the run’s progress', async () => {
    const runs = createDynamoDbPlanRunLedger(await newTable());
    await runs.createRun(run);
    await expect(runs.recordRunEntry(run.run, 'r1', { status: 'succeeded', currency: 'USD', total: 899 })).resolves.toEqual({
      size: 2,
      entries: [{ status: 'succeeded', currency: 'USD', total: 899 }],
      summaryPublished: false,
    });
    // A redelivery of the same request replaces its entry, it does not add one.
    await expect(runs.recordRunEntry(run.run, 'r1', { status: 'succeeded', currency: 'USD', total: 899 })).resolves.toMatchObject({ entries: [expect.anything()] });
    // Request ids are map keys whatever their characters.
    const progress = await runs.recordRunEntry(run.run, 'batch:nightly:2026-11-30T03:00:00Z:2', { status: 'failed' });
    expect(progress?.entries).toHaveLength(2);
  });

  it('knows nothing of an unrecorded run', async () => {
    const runs = createDynamoDbPlanRunLedger(await newTable());
    await expect(runs.recordRunEntry('unknown:run', 'r1', { status: 'failed' })).resolves.toBeUndefined();
  });

  it('remembers that the summary was published', async () => {
    const runs = createDynamoDbPlanRunLedger(await newTable());
    await runs.createRun(run);
    await runs.markRunSummaryPublished(run.run, T0);
    await expect(runs.recordRunEntry(run.run, 'r1', { status: 'succeeded' })).resolves.toMatchObject({ summaryPublished: true });
  });
});
