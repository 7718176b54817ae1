import { describe, expect, it } from 'vitest';
import { expressions, when } from '../../lib/ledger/dynamodb-expression.ts';

describe('DynamoDB expressions', () => {
  it('turns a condition’s values into placeholders and aliases #names', () => {
    const e = expressions();
    expect(e.condition(when`attribute_not_exists(pk) OR (requestHash = ${'h1'} AND #status = ${'queued'})`)).toBe(
      'attribute_not_exists(pk) OR (requestHash = :v0 AND #status = :v1)',
    );
    expect(e.attributes()).toEqual({ ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':v0': { S: 'h1' }, ':v1': { S: 'queued' } } });
  });

  it('writes SET, if_not_exists, a map entry and REMOVE, leaving out undefined values and skipped removals', () => {
    const e = expressions();
    const update = e.update({
      set: { status: 'queued', lastError: undefined, attempts: 2 },
      setIfMissing: { createdAt: 'now' },
      setEntry: { map: 'entries', key: 'batch:run:1', value: { status: 'failed' } },
      remove: ['claimToken', false, undefined, 'leaseUntil'],
    });
    expect(update).toBe('SET #status = :v0, #attempts = :v1, #createdAt = if_not_exists(#createdAt, :v2), #entries.#entry0 = :v3 REMOVE #claimToken, #leaseUntil');
    expect(e.attributes().ExpressionAttributeNames).toEqual({
      '#status': 'status',
      '#attempts': 'attempts',
      '#createdAt': 'createdAt',
      '#entries': 'entries',
      '#entry0': 'batch:run:1',
      '#claimToken': 'claimToken',
      '#leaseUntil': 'leaseUntil',
    });
  });

  it('numbers the values of an update and its condition apart', () => {
    const e = expressions();
    expect(e.update({ set: { attempts: 1 } })).toBe('SET #attempts = :v0');
    expect(e.condition(when`claimToken = ${'k1'}`)).toBe('claimToken = :v1');
    expect(Object.keys(e.attributes().ExpressionAttributeValues ?? {})).toEqual([':v0', ':v1']);
  });

  it('has no attribute maps when nothing uses them, and refuses a map key as an attribute name', () => {
    const e = expressions();
    expect(e.condition(when`attribute_exists(pk)`)).toBe('attribute_exists(pk)');
    expect(e.attributes()).toEqual({});
    expect(() => e.update({ set: { 'entries.x': 1 } })).toThrow(/not an attribute name/);
  });
});
