import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Every environment variable the functions read is in docs/configuration.md (Lambda's own aside). */
const SOURCES = ['lib/platform/config.ts', 'lib/platform/policy-file.ts'];
const SET_BY_LAMBDA = new Set(['LAMBDA_TASK_ROOT']);

const variablesRead = (code: string) =>
  new Set([...code.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'|\benv\.([A-Z][A-Z0-9_]+)/g)].map((match) => match[1] ?? match[2] ?? '').filter((name) => !SET_BY_LAMBDA.has(name)));

describe('docs/configuration.md', () => {
  const docs = readFileSync('docs/configuration.md', 'utf8');
  const read = new Set(SOURCES.flatMap((file) => [...variablesRead(readFileSync(file, 'utf8'))]));

  it('finds the variables the configuration reads', () => {
    expect(read).toContain('ORDERS_TABLE');
    expect(read).toContain('HOSTINGER_MAX_ATTEMPTS');
    expect(read.size).toBeGreaterThan(20);
  });

  it('documents every one of them', () => {
    expect([...read].filter((name) => !docs.includes(`\`${name}\``)).sort()).toEqual([]);
  });
});
