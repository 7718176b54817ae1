import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Every alarm serverless.yml creates and every metric the functions emit is explained in docs/operations.md. */
const docs = readFileSync('docs/operations.md', 'utf8');
const template = readFileSync('serverless.yml', 'utf8');
const alarms = [...template.matchAll(/AlarmName: \$\{self:service\}-\$\{sls:stage\}-([\w-]+)/g)].map((match) => `hostinger-orders-STAGE-${match[1]}`);
const metricsCode = ['lib/platform/metrics.ts'].map((file) => readFileSync(file, 'utf8')).join('\n');
const metrics = [...new Set([...metricsCode.matchAll(/addMetric\('(\w+)'/g)].map((match) => match[1] ?? ''))];

describe('docs/operations.md', () => {
  it('finds the alarms and metrics', () => {
    expect(alarms).toContain('hostinger-orders-STAGE-dead-letters');
    expect(metrics).toContain('Outcomes');
  });

  it('explains every alarm and every metric', () => {
    expect([...alarms, ...metrics].filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  });
});
