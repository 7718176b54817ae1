import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostingerSandbox, startHostingerSandbox } from '../../local/sandbox/server.ts';
import { subscribeQueueToOutcomes } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * The Hostinger bearer token lives in Secrets Manager and in memory, nowhere else. The whole pipeline runs
 * with sentinel tokens (the first, then a rotated one), through successes, rejections, retries, 401s, lost
 * answers and timeouts, with DEBUG logs; then everything the system wrote is searched for them: stdout and
 * stderr, console calls, published outcomes with their attributes, ledger items, HTTP answers, queue and
 * dead-letter messages, event-source errors and the environment.
 */
const SENTINEL = `hostinger-sentinel-${randomBytes(16).toString('hex')}`;
const ROTATED = `hostinger-sentinel-${randomBytes(16).toString('hex')}`;
/** A caller's own credentials on the HTTP API: they must not be written anywhere either. */
const CALLER_TOKEN = `caller-sentinel-${randomBytes(16).toString('hex')}`;

/**
 * The tokens as they might leak: whole, base64-encoded (alone or as a header value), or any 12 characters of
 * their random part (a truncated or sliced token is still a leak).
 */
const leakForms = (token: string) => {
  const secretPart = token.slice(token.lastIndexOf('-') + 1);
  const windows = Array.from({ length: secretPart.length - 11 }, (_, i) => secretPart.slice(i, i + 12));
  return [token, Buffer.from(token).toString('base64'), Buffer.from(`Bearer ${token}`).toString('base64'), ...windows];
};
const FORBIDDEN = [...leakForms(SENTINEL), ...leakForms(ROTATED), ...leakForms(CALLER_TOKEN)];

const KVM2 = 'hostingercom-vps-kvm2-usd-1m';
// Each case buys a different product: reconciliation after a 5xx or a lost answer must not attribute another
// case's purchase to it, or the flow would not go the way it is asserted to.
const order = (coupon: string, itemId = KVM2) => ({ payment_method_id: 1327362, items: [{ item_id: itemId, quantity: 1 }], coupons: [coupon] });

/** Everything written to stdout, stderr or the console while the test runs; nothing is passed through. */
const written: string[] = [];
const restore: (() => void)[] = [];
function capture() {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      written.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 20 }))).join(' '));
    };
    restore.push(() => {
      console[method] = original;
    });
  }
}

let api: HostingerSandbox;
let t: TestStack;
let rawOutcomesQueue: string;
const eventSourceErrors: string[] = [];
const answers: string[] = [];
const requestIds: string[] = [];

async function post(body: unknown) {
  const response = await fetch(`${t.stack.apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CALLER_TOKEN}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  answers.push(text);
  const json = JSON.parse(text) as { requestId?: string };
  if (json.requestId) requestIds.push(json.requestId);
  return { status: response.status, requestId: json.requestId ?? '' };
}

beforeAll(async () => {
  capture();
  // The token is the sentinel: an API of our own that accepts only it, as the real Hostinger would.
  api = await startHostingerSandbox({ token: SENTINEL });
  t = await startTestStack({
    hostinger: { apiUrl: api.url, token: SENTINEL },
    functionEnv: {
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      // Even with the incoming events logged, nothing secret may appear.
      POWERTOOLS_LOGGER_LOG_EVENT: 'true',
      HOSTINGER_TIMEOUT_MS: '600',
      WORKER_RESERVE_MS: '300',
    },
    log: (line) => eventSourceErrors.push(line),
  });
  rawOutcomesQueue = await subscribeQueueToOutcomes(t.stack, 'secrecy-raw-outcomes');
}, 60_000);

afterAll(async () => {
  for (const undo of restore.reverse()) undo();
  await t?.stop();
  await api?.close();
});

describe('the Hostinger token never leaks', () => {
  it('appears in nothing the system wrote, through every kind of outcome and a rotation', async () => {
    // A success, a 422, 500s then a success, 503s until the attempts run out, a timeout, a lost answer.
    api.addFaults([
      { fault: 'error500', times: 2, match: { coupon: 'S-RETRY' } },
      { fault: 'error503', times: -1, match: { coupon: 'S-DOWN' } },
      { fault: 'delay', delayMs: 1500, match: { coupon: 'S-SLOW' } },
      { fault: 'resetAfterCreate', match: { coupon: 'S-RESET' } },
      { fault: 'reset', times: -1, match: { coupon: 'S-RESET-ALWAYS' } },
      { fault: 'unauthorized', times: 2, match: { coupon: 'S-401' } },
    ]);
    const cases: Record<string, unknown> = {
      'S-OK': order('S-OK'),
      // Two currencies in one order: a 422 from Hostinger that the catalog check does not foresee.
      'S-422': { payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }, { item_id: 'hostingercom-vps-kvm2-eur-1m' }] },
      // On PayPal, which never leaves an order pending, 5xx answers are retried.
      'S-RETRY': { ...order('S-RETRY', 'hostingercom-vps-kvm1-usd-12m'), payment_method_id: 1327363 },
      'S-DOWN': { ...order('S-DOWN', 'hostingercom-hosting-premium-usd-12m'), payment_method_id: 1327363 },
      'S-SLOW': order('S-SLOW', 'hostingercom-domain-com-usd-1y'),
      'S-RESET': order('S-RESET', 'hostingercom-vps-kvm1-eur-1m'),
      'S-RESET-ALWAYS': order('S-RESET-ALWAYS', 'hostingercom-hosting-premium-usd-1m'),
      'S-401': order('S-401', 'hostingercom-hosting-premium-usd-48m'),
    };
    const posted = Object.fromEntries(await Promise.all(Object.entries(cases).map(async ([label, body]) => [label, await post(body)] as const)));
    expect(Object.values(posted).map((r) => r.status)).toEqual(Array(Object.keys(cases).length).fill(202));
    // Refused at intake by the catalog check (an expired card): its error is written too.
    const expired = await post({ payment_method_id: 1327365, items: [{ item_id: KVM2 }] });
    expect(expired.status).toBe(400);
    const garbage = await t.sendMessage('{"requestId": "secrecy-garbage", "items": [');
    const invalid = await post({ items: [{ item_id: '../etc/passwd', quantity: -1 }], token: 'x' });
    expect(invalid.status).toBe(400);
    for (const { requestId } of Object.values(posted)) await t.waitForOutcome(requestId, 20_000);
    await t.waitForOutcome(`sqs-${garbage}`);

    // Rotation: the API now takes only the new token, and the secret holds it.
    api.setToken(ROTATED);
    await t.stack.clients.secrets.send(new PutSecretValueCommand({ SecretId: t.stack.resources.secretId, SecretString: ROTATED }));
    const rotated = await post(order('S-ROTATED', 'hostingercom-vps-kvm2-usd-24m'));
    await t.waitForOutcome(rotated.requestId);

    const byCoupon = (label: string) => t.outcomes.find((o) => o.requestId === posted[label]?.requestId);
    // The flow really went through each case (otherwise finding nothing would prove nothing).
    expect(byCoupon('S-OK')?.type).toBe('order.succeeded');
    expect(byCoupon('S-422')?.type).toBe('order.rejected');
    expect(byCoupon('S-RETRY')).toMatchObject({ type: 'order.succeeded', attempts: 3 });
    expect(byCoupon('S-DOWN')?.type).toBe('order.failed');
    expect(['order.unknown', 'order.succeeded']).toContain(byCoupon('S-SLOW')?.type);
    expect(['order.unknown', 'order.succeeded']).toContain(byCoupon('S-RESET')?.type);
    // Every attempt cut off: the outcome carries the network error.
    expect(byCoupon('S-RESET-ALWAYS')).toMatchObject({ type: expect.stringMatching(/^order\.(failed|unknown)$/), error: { code: expect.any(String) } });
    expect(byCoupon('S-401')).toMatchObject({ type: 'order.failed', error: { httpStatus: 401 } });
    expect(t.outcomes.find((o) => o.requestId === rotated.requestId)).toMatchObject({ type: 'order.succeeded', attempts: 2 });
    expect(t.outcomes.find((o) => o.requestId === `sqs-${garbage}`)?.type).toBe('order.rejected');

    // Everything the system wrote.
    for (const requestId of requestIds) answers.push(await (await fetch(`${t.stack.apiUrl}/orders/${requestId}`)).text());
    const ledger = await t.stack.clients.dynamodb.send(new ScanCommand({ TableName: t.stack.resources.tableName, ConsistentRead: true }));
    const drain = async (queueUrl: string) => {
      const bodies: string[] = [];
      for (;;) {
        const { Messages = [] } = await t.stack.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: 60,
            MessageAttributeNames: ['All'],
            AttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) return bodies;
        bodies.push(...Messages.map((m) => JSON.stringify(m)));
      }
    };
    const sinks: Record<string, string> = {
      'stdout, stderr and console': written.join('\n'),
      'published outcomes (parsed)': JSON.stringify(t.outcomes),
      'published outcomes (raw, with attributes)': (await drain(rawOutcomesQueue)).join('\n'),
      'orders queue': (await drain(t.stack.resources.queueUrl)).join('\n'),
      'dead-letter queue': (await drain(t.stack.resources.deadLetterQueueUrl)).join('\n'),
      'ledger items': JSON.stringify(ledger.Items),
      'HTTP answers': answers.join('\n'),
      'event source errors': eventSourceErrors.join('\n'),
      'process environment': JSON.stringify(process.env),
    };

    // The capture works: the DEBUG logs and the outcomes are there to be searched.
    expect(sinks['stdout, stderr and console']).toMatch(/"level":"(DEBUG|INFO)"/);
    // Incoming events were logged (POWERTOOLS_LOGGER_LOG_EVENT), with the caller's Authorization header redacted.
    expect(sinks['stdout, stderr and console']).toContain('"authorization":"[redacted]"');
    expect(sinks['published outcomes (raw, with attributes)']).toContain(rotated.requestId);
    expect(ledger.Items?.length).toBeGreaterThanOrEqual(requestIds.length);

    const leaks = Object.entries(sinks).flatMap(([sink, text]) =>
      FORBIDDEN.filter((form) => text.includes(form)).map((form) => {
        const at = text.indexOf(form);
        return `${sink}: …${text.slice(Math.max(0, at - 200), at + form.length + 50)}…`;
      }),
    );
    expect(leaks).toEqual([]);
    expect(Object.entries(process.env).filter(([, value]) => value?.includes(SENTINEL) || value?.includes(ROTATED))).toEqual([]);
  }, 60_000);
});
