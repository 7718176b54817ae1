import { afterEach, describe, expect, it, vi } from 'vitest';
import { metrics, powertoolsOrderMetrics, retryCause } from '../../lib/platform/metrics.ts';
import { buildOutcome } from '../../lib/order/outcome.ts';

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
});
