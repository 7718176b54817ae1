import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildOutcome } from '../../lib/order/outcome.ts';
import { metrics, powertoolsOrderMetrics, publishMetrics } from '../../lib/platform/metrics.ts';
import { retryCause } from '../../lib/platform/order-metrics.ts';

/** The EMF documents written to stdout, parsed. */
function captureEmf() {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  return {
    documents: () =>
      lines
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.includes('CloudWatchMetrics'))
        .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } }),
    restore: () => spy.mockRestore(),
  };
}

afterEach(() => vi.restoreAllMocks());

describe('order metrics', () => {
  it('names the cause of a retry', () => {
    expect(retryCause({ kind: 'retryable', error: { httpStatus: 429, message: '' } })).toBe('429');
    expect(retryCause({ kind: 'ambiguous', error: { code: 'ETIMEDOUT', message: '' } })).toBe('ETIMEDOUT');
    expect(retryCause({ kind: 'succeeded', order: { id: 1, status: 'completed' } })).toBeUndefined();
  });

  it('emits Outcomes by type with the service dimension the alarms watch, and the per-order figures', () => {
    const emf = captureEmf();
    const outcome = buildOutcome({ requestId: 'r', status: 'failed', attempts: 3, requestedAt: '2026-11-27T10:00:00.000Z', completedAt: '2026-11-27T10:00:02.500Z' });
    powertoolsOrderMetrics.outcome(outcome);
    powertoolsOrderMetrics.attempt(120, { kind: 'retryable', error: { httpStatus: 500, message: '' } });
    metrics.publishStoredMetrics();
    emf.restore();
    const documents = emf.documents();
    const outcomes = documents.find((d) => d._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === 'Outcomes'));
    expect(outcomes).toMatchObject({ type: 'order.failed', service: 'hostinger-orders', Outcomes: 1 });
    expect(outcomes?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'HostingerOrders', Dimensions: [expect.arrayContaining(['service', 'type'])] });
    expect(documents.find((d) => 'Retries' in d)).toMatchObject({ cause: '500', Retries: 1 });
    expect(documents.find((d) => 'Attempts' in d)).toMatchObject({ Attempts: 3, IntakeToOutcome: 2500, HostingerLatency: 120 });
  });

  it('publishes after each invocation, without a warning when concurrent invocations sharing the instance left nothing to publish', async () => {
    const warnings: string[] = [];
    const quiet = { debug: () => {}, info: () => {}, error: () => {}, warn: (message: string) => warnings.push(message) };
    const run = async (middleware: (target: Metrics) => middy.MiddlewareObj) => {
      warnings.length = 0;
      const shared = new Metrics({ namespace: 'Test', serviceName: 'test', logger: quiet as never });
      const published = vi.spyOn(shared, 'publishStoredMetrics');
      // Two invocations at once: the first to finish publishes both invocations' metrics, the second finds none.
      const handler = middy(async (delayMs: number) => {
        shared.addMetric('Messages', MetricUnit.Count, 1);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }).use(middleware(shared));
      await Promise.all([handler(5, {} as never), handler(30, {} as never)]);
      return { warnings: [...warnings], published: published.mock.calls.length, left: shared.hasStoredMetrics() };
    };
    const emf = captureEmf();
    const ours = await run(publishMetrics);
    const powertools = await run((target) => logMetrics(target));
    emf.restore();
    expect(ours).toEqual({ warnings: [], published: 1, left: false });
    expect(emf.documents()).toHaveLength(2);
    // What the issue saw: Powertools' own middleware warns for the second invocation.
    expect(powertools.warnings.some((warning) => warning.startsWith('No application metrics to publish'))).toBe(true);
  });
});

describe('budget metrics', () => {
  it('emit BudgetUsedPercent per currency and window, and the fullest budget on the service dimension alone (what the alarm watches)', async () => {
    const { recordBudgetUsage } = await import('../../lib/platform/metrics.ts');
    const emf = captureEmf();
    recordBudgetUsage([
      { currency: 'USD', window: 'daily', usedPercent: 85 },
      { currency: 'USD', window: 'monthly', usedPercent: 20 },
    ]);
    emf.restore();
    const budget = emf.documents().filter((doc) => doc._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === 'BudgetUsedPercent'));
    const alarmed = budget.find((doc) => JSON.stringify(doc._aws.CloudWatchMetrics[0]?.Dimensions) === JSON.stringify([['service']]));
    expect(alarmed?.BudgetUsedPercent).toBe(85);
    expect(budget.find((doc) => doc.currency === 'USD' && doc.window === 'monthly')?.BudgetUsedPercent).toBe(20);
  });
});
