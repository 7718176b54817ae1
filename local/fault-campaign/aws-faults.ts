import type { LocalStack } from '../stack.ts';

/**
 * Faults of our own AWS calls (issue 9, item 3 and 5): calls that take effect and lose their reply (the
 * SDK's retry then meets its own write), and indexes that lag behind the table. Injected on the local AWS
 * router for the whole campaign, on the intake's and the worker's calls alike.
 */

/** The calls whose replies are lost, with what each one is in the pipeline. */
export const LOST_REPLY_CALLS: Record<string, string> = {
  'dynamodb.PutItem': 'PutItem (intake record, rejected messages, attributions)',
  'dynamodb.UpdateItem': 'UpdateItem (claims, attempts, releases, completions, marks)',
  'sqs.SendMessage': 'SendMessage (intake, sweep, producers, hand-backs)',
  'sqs.ChangeMessageVisibility': 'ChangeMessageVisibility (worker)',
  'sqs.DeleteMessageBatch': 'DeleteMessageBatch (event source)',
};

/** Share of those calls whose reply is lost (half by a reset, half by a 500 after the call took effect). */
export const LOST_REPLY_RATE = 0.03;
/** How far index queries lag behind the table. */
export const INDEX_LAG_MS = Number(process.env.FAULTS_INDEX_LAG_MS ?? 600);
/** Requests answered over HTTP without an Idempotency-Key (the client then follows a 503 as it says). */
export const WITHOUT_KEY_SHARE = 0.25;

/**
 * The workers' settings these faults need: a quick sweep, and the index lag they allow for
 * (RECONCILE_INDEX_LAG_MS), more than the lag, as in production (2 s against AWS's usual fraction of a
 * second), since a busy machine delays the workers' own reads and writes too.
 */
export const awsFaultFunctionEnv = (indexLagMs: number) => ({
  RECONCILE_INDEX_LAG_MS: String(2 * indexLagMs),
  SWEEP_QUEUED_AFTER_SECONDS: '2',
});
export const SWEEP_INTERVAL_MS = 1000;

export function injectAwsFaults(stack: LocalStack, indexLagMs: number): void {
  const calls = Object.keys(LOST_REPLY_CALLS);
  calls.forEach((call, index) => stack.aws.faults.setLostReplyRate(call, LOST_REPLY_RATE, index % 2 === 0 ? 'reset' : 'error500'));
  stack.aws.dynamodb.setIndexLag(indexLagMs);
}

/** What the intake answered: every 202 is a promise the campaign checks (each such request must get an outcome). */
export interface IntakeAnswers {
  answered202: number;
  answered503: number;
  /** Request ids answered 202, replays included. */
  accepted: Set<string>;
}

export const newIntakeAnswers = (): IntakeAnswers => ({ answered202: 0, answered503: 0, accepted: new Set() });

/**
 * POST /orders as a careful client does: a 202 is kept; after a 503 it looks the request up
 * (GET /orders/{requestId}) and sends again only if it was not recorded (404), with the same key if it has one.
 */
export async function postOrder(apiUrl: string, route: string, body: unknown, idempotencyKey: string | undefined, answers: IntakeAnswers): Promise<string> {
  for (let tries = 0; tries < 10; tries++) {
    const response = await fetch(`${apiUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { requestId?: string; message?: string };
    if (response.status === 202 && answer.requestId) {
      answers.answered202 += 1;
      answers.accepted.add(answer.requestId);
      return answer.requestId;
    }
    if (response.status !== 503 || !answer.requestId) throw new Error(`POST ${route} answered ${response.status}: ${answer.message}`);
    answers.answered503 += 1;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const looked = await fetch(`${apiUrl}/orders/${encodeURIComponent(answer.requestId)}`);
    if (looked.status === 200) return answer.requestId;
  }
  throw new Error(`POST ${route} kept answering 503`);
}

export interface AwsFaultFigures {
  /** Replies lost, by call. */
  lostReplies: Record<string, number>;
  /** Items index queries did not show because of the lag. */
  hiddenByIndexLag: number;
  intake: { answered202: number; answered503: number; accepted: number };
  /** Requests answered 202 at the intake that never got an outcome: must be 0. */
  acceptedWithoutOutcome: number;
}

export function awsFaultFigures(stack: LocalStack, answers: IntakeAnswers, hasOutcome: (requestId: string) => boolean): AwsFaultFigures {
  return {
    lostReplies: stack.aws.faults.lostReplies(),
    hiddenByIndexLag: stack.aws.dynamodb.hiddenByIndexLag(),
    intake: { answered202: answers.answered202, answered503: answers.answered503, accepted: answers.accepted.size },
    acceptedWithoutOutcome: [...answers.accepted].filter((requestId) => !hasOutcome(requestId)).length,
  };
}
