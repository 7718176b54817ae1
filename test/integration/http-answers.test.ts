import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/** The HTTP answers a user meets first, over the wire, each held to what docs/api.md says of it. */
const API_DOC = readFileSync(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');
const documented = (answer: string) => expect(API_DOC, `docs/api.md documents ${answer}`).toContain(answer);

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const post = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${t.stack.apiUrl}${path}`, { method: 'POST', ...init });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe('POST /orders answers as documented', () => {
  it('no body and no content type (curl -X POST): 400, the body is empty', async () => {
    const answer = await post('/orders');
    expect(answer).toEqual({ status: 400, type: 'application/json', text: '{"message":"request body is empty; send an order as JSON"}' });
    documented('400 {"message": "request body is empty; send an order as JSON"}');
  });

  it('a body of another content type: 415', async () => {
    const answer = await post('/orders', { headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(answer).toMatchObject({ status: 415, text: '{"message":"Content-Type must be application/json"}' });
    documented('415 {"message": "Content-Type must be application/json"}');
  });

  it.each([
    ['70 KB', 70 * 1024],
    ["10 MB and one byte, over API Gateway's own limit", 10 * 1024 * 1024 + 1],
  ])('a body of %s: 413 with the documented message', async (_, bytes) => {
    const answer = await post('/orders', { headers: { 'content-type': 'application/json' }, body: `{"pad":"${'x'.repeat(bytes - 10)}"}` });
    expect(answer).toEqual({ status: 413, type: 'application/json', text: '{"message":"request body is larger than 65536 bytes"}' });
    documented('413 {"message": "request body is larger than 65536 bytes"}');
  });

  it('an Idempotency-Key with a space: 400 naming the rule the docs give', async () => {
    const order = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }] };
    const answer = await t.postOrder(order, { 'idempotency-key': 'my key' });
    expect(answer.status).toBe(400);
    const rule = 'must be 1 to 255 printable ASCII characters without spaces';
    expect(answer.json).toEqual({ message: 'invalid order request', errors: { 'Idempotency-Key': [rule] } });
    documented('1 to 255 printable ASCII characters without spaces');
    documented(rule);
    expect((await t.postOrder(order, { 'idempotency-key': 'x'.repeat(256) })).status).toBe(400);
    expect((await t.postOrder(order, { 'idempotency-key': 'my-key_1:2026/12!' })).status).toBe(202);
  });
});

describe('POST /_local/batches/{plan}', () => {
  it('an unknown plan: 404 naming the plans there are, and no path of this machine', async () => {
    const answer = await post('/_local/batches/no-such-plan');
    expect(answer.status).toBe(404);
    const { message } = JSON.parse(answer.text) as { message: string };
    expect(message).toMatch(/^no batch plan named no-such-plan; the plans are [a-z0-9-]+(, [a-z0-9-]+)*$/);
    expect(message).toContain('staging-fleet');
    expect(answer.text).not.toContain(tmpdir());
    documented('404 {"message": "no batch plan named <plan>; the plans are staging-fleet, …"}');
  });
});
