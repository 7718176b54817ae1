import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type OrderMetrics, retryCause } from './order-metrics.ts';

/**
 * CloudWatch metrics in embedded metric format (Powertools Metrics), namespace `HostingerOrders`
 * (POWERTOOLS_METRICS_NAMESPACE), service dimension `hostinger-orders`. The alarms in serverless.yml
 * watch `Outcomes` by `type`.
 */
export const metrics = new Metrics({ namespace: 'HostingerOrders', serviceName: 'hostinger-orders' });

/**
 * Middy middleware that publishes the stored metrics after each invocation, like Powertools' logMetrics, but
 * only when there are some. Invocations that share one instance (the local stack runs several at once) find
 * it already emptied by another, and Powertools would warn "No application metrics to publish" for each.
 */
export function publishMetrics(target: Metrics): { after: () => void; onError: () => void } {
  const publish = () => {
    if (target.hasStoredMetrics()) target.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}

export const powertoolsOrderMetrics: OrderMetrics = {
  batch(messages) {
    metrics.addMetric('Messages', MetricUnit.Count, messages);
  },
  attempt(latencyMs, result) {
    metrics.addMetric('HostingerLatency', MetricUnit.Milliseconds, latencyMs);
    const cause = retryCause(result);
    if (cause) metrics.singleMetric().addDimension('cause', cause).addMetric('Retries', MetricUnit.Count, 1);
  },
  outcome(outcome) {
    metrics.singleMetric().addDimension('type', outcome.type).addMetric('Outcomes', MetricUnit.Count, 1);
    metrics.addMetric('Attempts', MetricUnit.Count, outcome.attempts);
    const intakeToOutcome = Date.parse(outcome.completedAt) - Date.parse(outcome.requestedAt);
    if (Number.isFinite(intakeToOutcome)) metrics.addMetric('IntakeToOutcome', MetricUnit.Milliseconds, intakeToOutcome);
  },
};

/**
 * How full each budget is, after every reservation: `BudgetUsedPercent` by currency and window (dashboards),
 * and the fullest one with the service dimension only, which the budget alarm in serverless.yml watches.
 */
export function recordBudgetUsage(standings: { currency: string; window: string; usedPercent: number }[]): void {
  if (standings.length === 0) return;
  for (const { currency, window, usedPercent } of standings) {
    metrics.singleMetric().addDimension('currency', currency).addDimension('window', window).addMetric('BudgetUsedPercent', MetricUnit.Percent, usedPercent);
  }
  metrics.singleMetric().addMetric('BudgetUsedPercent', MetricUnit.Percent, Math.max(...standings.map((standing) => standing.usedPercent)));
}
