import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type AwaitingApproval, awaitingApprovalSchema } from '../../lib/order/approval.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import { outcomeSchema } from '../../lib/order/outcome.ts';
import { type OrderResolved, orderResolvedSchema } from '../../lib/order/resolution.ts';
import { type BatchCompleted, type BatchEnqueued, batchCompletedSchema, batchEnqueuedSchema } from '../../lib/scheduled/run-events.ts';
import { watchOutcomes } from '../../local/outcome-watcher.ts';
import type { SandboxOrderRecord } from '../../local/sandbox/server.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.ts';

/** Settings that keep integration tests fast: quick retries, short timeouts. */
export const FAST_FUNCTION_ENV = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  HOSTINGER_TIMEOUT_MS: '2000',
  HOSTINGER_RETRY_BASE_MS: '20',
  HOSTINGER_RETRY_MAX_MS: '100',
  HOSTINGER_MAX_ATTEMPTS: '4',
  WORKER_RESERVE_MS: '500',
  RECONCILE_SETTLE_MS: '100',
  RECONCILE_LATE_MS: '300',
  RECONCILE_CLOCK_SKEW_MS: '1000',
  // The local DynamoDB's indexes have no lag unless a test turns it on (and sets this to match).
  RECONCILE_INDEX_LAG_MS: '0',
  // A 429's pause of the whole fleet, kept short so one test's rate limit does not stall the next.
  THROTTLE_MAX_PAUSE_MS: '2500',
  // Off: after an ambiguity, identical purchases would take turns, and tests of anything else would wait them
  // out (item-turns.test.ts and the fault campaigns run with them on, as deployed).
  RECONCILE_CAREFUL_SECONDS: '0',
};

export interface TestStack {
  stack: LocalStack;
  /** Every outcome received on a queue subscribed to the topic, in arrival order. */
  outcomes: Outcome[];
  /** Every batch event received on the same queue. */
  batchEvents: (BatchEnqueued | BatchCompleted)[];
  /** Every order.awaiting_approval event received on the same queue. */
  approvalEvents: AwaitingApproval[];
  /** Every order.resolved follow-up received on the same queue. */
  resolutions: OrderResolved[];
  waitForOutcome(requestId: string, timeoutMs?: number): Promise<Outcome>;
  postOrder(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }>;
  /** What the built-in sandbox made for the orders carrying this coupon (tests tag their orders with one). */
  ordersWithCoupon(coupon: string): SandboxOrderRecord[];
  /** A JSON POST to any route of the Order API (`/vps`, `/quotes`, …), as postOrder makes to /orders. */
  post(route: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }>;
  getOrder(requestId: string): Promise<{ status: number; json: Record<string, unknown> }>;
  sendMessage(body: string): Promise<string>;
  sendMessages(bodies: string[]): Promise<string[]>;
  stop(): Promise<void>;
}

export async function waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  const stack = await startLocalStack({
    apiPort: 0,
    awsPort: 0,
    ...options,
    worker: { functionTimeoutSeconds: 10, visibilityTimeoutSeconds: 4, ...options.worker },
    functionEnv: { ...FAST_FUNCTION_ENV, ...options.functionEnv },
  });
  const outcomes: Outcome[] = [];
  const batchEvents: (BatchEnqueued | BatchCompleted)[] = [];
  const approvalEvents: AwaitingApproval[] = [];
  const resolutions: OrderResolved[] = [];
  const watcher = await watchOutcomes(stack, 'test-outcomes', (published) => {
    // Everything published must match its documented schema.
    if (published.type === 'batch.enqueued') batchEvents.push(batchEnqueuedSchema.parse(published));
    else if (published.type === 'batch.completed') batchEvents.push(batchCompletedSchema.parse(published));
    else if (published.type === 'order.awaiting_approval') approvalEvents.push(awaitingApprovalSchema.parse(published));
    else if (published.type === 'order.resolved') resolutions.push(orderResolvedSchema.parse(published));
    else outcomes.push(outcomeSchema.parse(published));
  });
  const { sqs } = stack.clients;
  const post = async (route: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${stack.apiUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown>, headers: response.headers };
  };
  return {
    stack,
    outcomes,
    batchEvents,
    approvalEvents,
    resolutions,
    waitForOutcome: (requestId, timeoutMs = 15_000) => waitUntil(() => outcomes.find((o) => o.requestId === requestId), timeoutMs, `the outcome of ${requestId}`),
    ordersWithCoupon: (coupon) => stack.sandbox?.orders().filter((record) => record.coupons.includes(coupon)) ?? [],
    postOrder: (body, headers = {}) => post('/orders', body, headers),
    post: (route, body, headers = {}) => post(route, body, headers),
    async getOrder(requestId) {
      const response = await fetch(`${stack.apiUrl}/orders/${encodeURIComponent(requestId)}`);
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    },
    async sendMessage(body) {
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: stack.resources.queueUrl, MessageBody: body }));
      return sent.MessageId ?? '';
    },
    async sendMessages(bodies) {
      const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.resources.queueUrl, Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })) }));
      return (sent.Successful ?? []).sort((a, b) => Number(a.Id) - Number(b.Id)).map((entry) => entry.MessageId ?? '');
    },
    async stop() {
      await watcher.stop();
      await stack.stop();
    },
  };
}
