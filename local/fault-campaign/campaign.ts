import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { redriveDeadLetters } from '../../lib/messaging/dlq-redrive.ts';
import { isOrderOutcome } from '../../lib/messaging/outcome-publisher.ts';
import { keyName, type Purchase, type PurchaseKind, purchaseKey } from '../../lib/order/kinds/purchase.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import type { OrderResolved } from '../../lib/order/resolution.ts';
import { mapConcurrently } from '../../lib/platform/map-concurrently.ts';
import { watchOutcomes } from '../outcome-watcher.ts';
import { CATALOG } from '../sandbox/catalog.ts';
import { type LocalStack, startLocalStack } from '../stack.ts';
import { injectWorkerCrashes } from '../worker-faults.ts';
import {
  awsFaultFigures,
  awsFaultFunctionEnv,
  INDEX_LAG_MS,
  type IntakeAnswers,
  injectAwsFaults,
  newIntakeAnswers,
  postOrder,
  SWEEP_INTERVAL_MS,
  WITHOUT_KEY_SHARE,
} from './aws-faults.ts';
import { type EditedFileRequest, sendThroughEditedFiles } from './edited-files.ts';
import { payLeftOrders } from './paid-later.ts';
import { type Profile, profileName, profilePicker, seededRandom } from './profiles.ts';
import { closedPort, injectRefusedConnections } from './refused-connections.ts';
import { buildReport, type CampaignReport, type CampaignRequest, finalOutcomes } from './report.ts';
import { campaignApprover, spendingFigures, writeCampaignPolicy } from './spending.ts';

export interface CampaignOptions {
  requests: number;
  seed: number;
  /** Requests sent at the same time, at most. */
  senders: number;
  /** Requests started per second: a steady stream, as a fleet of producers makes, rather than one burst. */
  ratePerSecond: number;
  /** Chance of a worker crash each time a crash point is passed. */
  crashRate: number;
  /** Chance that an invocation's deletes are lost (a crash after publishing). */
  dropDeleteRate: number;
  /** Share of SNS PublishBatch calls that fail (the SDK retries each up to 3 times). */
  publishFailureRate: number;
  timeLimitMs: number;
  /** Pay orders left awaiting payment behind a 500 a moment later, as their owner would in hPanel (paid-later.ts). */
  payLeftOrders?: boolean;
  /** How far the local DynamoDB's indexes lag behind the table (aws-faults.ts); 0: no lag. */
  indexLagMs: number;
  /** RECONCILE_CAREFUL_SECONDS for the worker (0: attempts never take turns); absent: the product's default. */
  carefulSeconds?: number;
  progress?: (line: string) => void;
}

export const FULL_CAMPAIGN: Omit<CampaignOptions, 'progress'> = {
  requests: 1200,
  seed: 20261127,
  senders: 16,
  ratePerSecond: 40,
  crashRate: 0.02,
  dropDeleteRate: 0.02,
  publishFailureRate: 0.3,
  timeLimitMs: 10 * 60_000,
  indexLagMs: INDEX_LAG_MS,
};

const HOSTINGER_TIMEOUT_MS = 800;
/** How long pending payments and unknown outcomes are followed up here (days when deployed). */
const FOLLOW_UP_SECONDS = 15;
/** Requests sent by the CLI from files edited between runs, besides options.requests (as a share of it). */
const EDITED_FILE_SHARE = 0.1;
const PRICE_IDS = CATALOG.flatMap((item) => item.prices.map((price) => price.id));

/** Share of the producers' requests of each provisioning kind (the rest are generic orders). */
const KIND_SHARES: [PurchaseKind, number][] = [
  ['vps', 0.1],
  ['domain', 0.1],
  ['renewal', 0.1],
];
const VPS_PRICE_IDS = CATALOG.filter((item) => item.category === 'VPS').flatMap((item) => item.prices.map((price) => price.id));
const DOMAIN_PRICE_IDS = CATALOG.filter((item) => item.category === 'DOMAIN').flatMap((item) => item.prices.map((price) => price.id));
const PAYPAL = 1327363;
/** Intake's route for each kind, which takes Hostinger's own body (no `kind`). */
const ROUTE_OF: Record<PurchaseKind, string> = { order: '/orders', vps: '/vps', domain: '/domains', renewal: '/renewals' };

/** What a request buys: a kind by its share; malformed profiles stay generic orders (their checks are the order's). */
function kindFor(profile: Profile, random: () => number): PurchaseKind {
  const roll = random();
  if (profile.kind === 'unknownItem' || profile.kind === 'unreadableMessage') return 'order';
  let below = 0;
  for (const [kind, share] of KIND_SHARES) {
    below += share;
    if (roll < below) return kind;
  }
  return 'order';
}

/**
 * The body of a VPS, domain or renewal, with the request's coupon as its tag. Paid with PayPal unless the
 * profile asks for a card: after a 5xx, a card's purchase may be awaiting payment, which no VM, portfolio
 * or expiry shows (such requests end unknown, as orders do); the campaign shows the keys settle the rest.
 */
function kindBody(kind: Exclude<PurchaseKind, 'order'>, order: ReturnType<typeof orderBody>, name: string, subscriptionId: string | undefined, random: () => number) {
  const payment = { payment_method_id: order.payment_method_id ?? PAYPAL, coupons: order.coupons };
  const pick = (ids: string[]) => ids[Math.floor(random() * ids.length)] as string;
  switch (kind) {
    case 'vps':
      return { item_id: pick(VPS_PRICE_IDS), setup: { template_id: 1130, data_center_id: 17, hostname: `${name}.campaign.tld` }, ...payment };
    case 'domain': {
      const itemId = pick(DOMAIN_PRICE_IDS);
      return { domain: `${name}.com`, item_id: itemId, ...payment };
    }
    case 'renewal':
      return { subscription_id: subscriptionId ?? '', ...payment };
  }
}

interface Send {
  request: CampaignRequest;
  transmit: () => Promise<string>;
  copies: 'once' | 'again-later' | 'twice-at-once';
}

function orderBody(profile: Profile, coupon: string, random: () => number) {
  const itemId = profile.kind === 'unknownItem' ? 'hostingercom-vps-kvm9-usd-1m' : (PRICE_IDS[Math.floor(random() * PRICE_IDS.length)] as string);
  return {
    ...(profile.kind === 'cardVerification' ? { payment_method_id: 1327364 } : {}),
    ...(profile.kind === 'fault' && profile.paymentMethodId !== undefined ? { payment_method_id: profile.paymentMethodId } : {}),
    items: [{ item_id: itemId, quantity: 1 + Math.floor(random() * 3) }],
    coupons: [coupon],
  };
}

/**
 * Plans every request: what it buys, its fault, how it arrives (HTTP or straight on the queue), and whether
 * it is sent twice. Kinds come from their own random source: the seed's orders stay what they were.
 */
function planSends(stack: LocalStack, options: CampaignOptions, random: () => number, kindRandom: () => number, subscriptions: string[], intake: IntakeAnswers): Send[] {
  const pick = profilePicker(random, HOSTINGER_TIMEOUT_MS);
  // Which HTTP clients send no Idempotency-Key, from a random source of its own: the other draws stay as they were.
  const keyRandom = seededRandom(options.seed + 5);
  let renewals = 0;
  return Array.from({ length: options.requests }, (_, index) => {
    const profile = pick();
    const coupon = `FC-${options.seed}-${index}`;
    const key = `fc-${options.seed}-${index}`;
    const order = orderBody(profile, coupon, random);
    const drawn = kindFor(profile, kindRandom);
    // Each renewal renews a subscription of its own (one request at a time holds a subscription's key).
    const kind = drawn === 'renewal' && renewals >= subscriptions.length ? 'order' : drawn;
    const hostingerBody = kind === 'order' ? order : kindBody(kind, order, `fc-${options.seed}-${index}`, kind === 'renewal' ? subscriptions[renewals++] : undefined, kindRandom);
    const body = kind === 'order' ? order : { kind, ...hostingerBody };
    const roll = random();
    const copies = roll < 0.05 ? 'twice-at-once' : roll < 0.15 ? 'again-later' : 'once';
    const request: CampaignRequest = { requestId: key, coupon, profile, ...(kind === 'order' ? {} : { kind }) };
    const sendMessage = async (messageBody: string) => {
      const sent = await stack.clients.sqs.send(new SendMessageCommand({ QueueUrl: stack.resources.queueUrl, MessageBody: messageBody }));
      return sent.MessageId ?? '';
    };
    if (profile.kind === 'unreadableMessage') {
      // The worker names an unreadable message after its message id; sent once (a copy would be another message).
      return { request, copies: 'once', transmit: async () => `sqs-${await sendMessage(`{"requestId": "${key}", "items": [`)}` };
    }
    // An unknown item is refused at HTTP intake (a 400, no outcome): it is sent on the queue to get its outcome.
    if (random() < 0.5 || profile.kind === 'unknownItem') {
      return {
        request,
        copies,
        transmit: async () => {
          await sendMessage(JSON.stringify({ requestId: key, ...body }));
          return key;
        },
      };
    }
    // Without a key, a copy is another request (another purchase, by right): those are sent once.
    const withoutKey = keyRandom() < WITHOUT_KEY_SHARE;
    return {
      request,
      copies: withoutKey ? 'once' : copies,
      transmit: () => postOrder(stack.apiUrl, ROUTE_OF[kind], hostingerBody, withoutKey ? undefined : key, intake),
    };
  });
}

async function queueDepth(stack: LocalStack, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await stack.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * Runs the whole local pipeline (the production code paths, wrapped with fault injection) through a
 * campaign: sandbox faults per request, duplicates, worker crashes at every crash point, lost deletes,
 * failing SNS publishes, a token rotation and a Secrets Manager outage; dead letters are redriven.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const random = seededRandom(options.seed);
  const crashRandom = seededRandom(options.seed + 1);
  const crashesByPoint: Record<string, number> = {};
  // Which requests each crash struck, and when: to explain a duplicate or a misattribution.
  const crashesOf = new Map<string, string[]>();
  const log = options.progress ?? (() => undefined);
  // Requests whose first attempt meets a refused connection, by coupon; and those refused so far.
  const toRefuse = new Set<string>();
  const refused = new Set<string>();
  const refusedPort = await closedPort();
  const approver = campaignApprover(() => stack.apiUrl, seededRandom(options.seed + 3));
  const stack: LocalStack = await startLocalStack({
    apiPort: 0,
    awsPort: 0,
    sandboxLatencyMs: 5,
    worker: { batchSize: 10, concurrency: 4, functionTimeoutSeconds: 4, visibilityTimeoutSeconds: 6, maxReceiveCount: 4 },
    functionEnv: {
      POWERTOOLS_LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'SILENT',
      HOSTINGER_TIMEOUT_MS: String(HOSTINGER_TIMEOUT_MS),
      HOSTINGER_RETRY_BASE_MS: '50',
      HOSTINGER_RETRY_MAX_MS: '400',
      HOSTINGER_MAX_ATTEMPTS: '6',
      TOKEN_CACHE_SECONDS: '2',
      WORKER_RESERVE_MS: '500',
      RECONCILE_SETTLE_MS: '200',
      // Orders made late (gateway faults make them up to 800 ms after the answer) must fall in the window even
      // when a loaded machine fires the sandbox's timers late: an order made past it could be credited elsewhere.
      RECONCILE_LATE_MS: '2500',
      // One clock for the worker and the sandbox here; created_at's whole seconds are allowed for separately.
      RECONCILE_CLOCK_SKEW_MS: '100',
      // A check waits for rivals in flight this long (minutes when deployed): within the campaign's time limit.
      RECONCILE_PATIENCE_SECONDS: '10',
      // Pending payments and unknowns are followed for seconds here, not days, so the campaign sees them end.
      FOLLOW_UP_FIRST_LOOK_SECONDS: '1',
      FOLLOW_UP_MAX_INTERVAL_SECONDS: '3',
      PENDING_PAYMENT_TIMEOUT_SECONDS: String(FOLLOW_UP_SECONDS),
      UNKNOWN_FOLLOW_UP_SECONDS: String(FOLLOW_UP_SECONDS),
      // A budget and approvals on part of the traffic (spending.ts).
      SPENDING_POLICY_FILE: writeCampaignPolicy(),
      ...awsFaultFunctionEnv(options.indexLagMs),
      ...(options.carefulSeconds === undefined ? {} : { RECONCILE_CAREFUL_SECONDS: String(options.carefulSeconds) }),
    },
    followUpIntervalMs: 500,
    sweepIntervalMs: SWEEP_INTERVAL_MS,
    dropDeleteRate: options.dropDeleteRate,
    decorateWorker: (deps) =>
      injectWorkerCrashes(
        injectRefusedConnections(deps, {
          port: refusedPort,
          timeoutMs: HOSTINGER_TIMEOUT_MS,
          refuseFirst: (coupons) => coupons.some((coupon) => toRefuse.has(coupon) && !refused.has(coupon)),
          refused: (coupons) => coupons.forEach((coupon) => refused.add(coupon)),
        }),
        (point, requestIds) => {
          const crash = crashRandom() < options.crashRate;
          if (crash) crashesByPoint[point] = (crashesByPoint[point] ?? 0) + 1;
          if (crash) for (const id of requestIds) crashesOf.set(id, [...(crashesOf.get(id) ?? []), `${point} at ${new Date().toISOString()}`]);
          return crash;
        },
      ),
  });
  const outcomes = new Map<string, Outcome[]>();
  const resolutions = new Map<string, OrderResolved>();
  const watcher = await watchOutcomes(stack, 'campaign-outcomes', (published) => {
    if (isOrderOutcome(published)) outcomes.set(published.requestId, [...(outcomes.get(published.requestId) ?? []), published]);
    if (published.type === 'order.resolved') resolutions.set(published.requestId, published);
    if (published.type === 'order.awaiting_approval') approver.onEvent(published);
  });
  const started = Date.now();
  let payer: ReturnType<typeof payLeftOrders> | undefined;
  try {
    stack.aws.faults.setFailureRate('sns.PublishBatch', options.publishFailureRate);
    const subscriptions = await subscriptionsToRenew(stack, options, Math.ceil(options.requests * 0.15));
    injectAwsFaults(stack, options.indexLagMs);
    const intake = newIntakeAnswers();
    const sends = planSends(stack, options, random, seededRandom(options.seed + 3), subscriptions, intake);
    const leftPending = new Set(sends.flatMap(({ request }) => (profileName(request.profile) === 'error500AfterPendingOrder@card' ? [request.coupon] : [])));
    payer = options.payLeftOrders ? payLeftOrders(stack, leftPending, seededRandom(options.seed + 4)) : undefined;
    // Their own random source: the producers' requests stay what the seed made them before this class.
    const fileRandom = seededRandom(options.seed + 2);
    const filePick = profilePicker(fileRandom, HOSTINGER_TIMEOUT_MS);
    const fileOrders = Array.from({ length: Math.round(options.requests * EDITED_FILE_SHARE) }, (_, index): EditedFileRequest => {
      const drawn = filePick();
      const profile: Profile = drawn.kind === 'unreadableMessage' ? { kind: 'clean' } : drawn; // a file's orders are readable
      const coupon = `FC-${options.seed}-file-${index}`;
      return { request: { requestId: '', coupon, profile, via: 'edited-file' }, body: orderBody(profile, coupon, fileRandom) };
    });
    for (const { request } of [...sends, ...fileOrders]) {
      if (request.profile.kind === 'fault') stack.sandbox?.addFaults([{ ...request.profile.rule, match: { coupon: request.coupon } }]);
      if (request.profile.kind === 'refusedConnection') toRefuse.add(request.coupon);
    }

    let sent = 0;
    let transmissions = 0;
    const transmit = async (send: Send) => {
      transmissions += 1;
      return send.transmit();
    };
    const viaFiles = sendThroughEditedFiles(stack, fileOrders, fileRandom);
    const producers = await mapConcurrently(sends, options.senders, async (send, index) => {
      const due = started + (index * 1000) / options.ratePerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const requestId = await transmit(send);
      if (send.copies === 'twice-at-once') await transmit(send);
      if (send.copies === 'again-later') setTimeout(() => void transmit(send), Math.floor(random() * 2000));
      sent += 1;
      if (sent === Math.floor(options.requests * 0.3)) await rotateToken(stack, `rotated-${options.seed}`);
      if (sent === Math.floor(options.requests * 0.6)) secretsOutage(stack, 3000);
      if (sent % Math.max(1, Math.floor(options.requests / 10)) === 0) log(`sent ${sent}/${options.requests}`);
      return { ...send.request, requestId };
    });
    const { requests: fileRequests, figures: editedFiles } = await viaFiles;
    const requests = [...producers, ...fileRequests];

    let redriven = 0;
    let lastLog = 0;
    while (Date.now() - started < options.timeLimitMs) {
      const done = requests.filter((request) => finalOutcomes(outcomes.get(request.requestId))[0] !== undefined).length;
      const depth = await queueDepth(stack, stack.resources.queueUrl);
      // Unknowns are followed up for FOLLOW_UP_SECONDS: wait until each is resolved or its follow-up is over.
      const followedUp = requests.every((request) => {
        const final = finalOutcomes(outcomes.get(request.requestId))[0];
        return final?.status !== 'unknown' || resolutions.has(request.requestId) || Date.parse(final.completedAt) + (FOLLOW_UP_SECONDS + 5) * 1000 < Date.now();
      });
      const acceptedDone = [...intake.accepted].every((requestId) => finalOutcomes(outcomes.get(requestId))[0] !== undefined);
      if (done === requests.length && acceptedDone && depth === 0 && followedUp) break;
      const deadLetters = await queueDepth(stack, stack.resources.deadLetterQueueUrl);
      if (deadLetters > 0) {
        redriven += await redriveDeadLetters({ client: stack.clients.sqs, deadLetterQueueUrl: stack.resources.deadLetterQueueUrl, queueUrl: stack.resources.queueUrl });
      }
      if (Date.now() - lastLog > 5000) {
        const { invocations, failedInvocations } = stack.worker.stats();
        log(`outcomes for ${done}/${requests.length} requests; queued ${depth}, dead-lettered ${deadLetters}; ${invocations} worker invocations (${failedInvocations} failed)`);
        lastLog = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // A sandbox rule still active never struck (its request never reached the sandbox).
    const unstruck = new Set((stack.sandbox?.faults() ?? []).map((rule) => rule.match?.coupon));
    const faultsStruck = new Set([...refused, ...requests.flatMap((request) => (request.profile.kind === 'fault' && !unstruck.has(request.coupon) ? [request.coupon] : []))]);
    // Where the ledger has the requests that got no final outcome, to say why.
    const ledgerStatus = new Map<string, string>();
    for (const request of requests.filter((candidate) => finalOutcomes(outcomes.get(candidate.requestId))[0] === undefined)) {
      const { Item } = await stack.clients.dynamodb.send(new GetItemCommand({ TableName: stack.resources.tableName, Key: { pk: { S: request.requestId } }, ConsistentRead: true }));
      ledgerStatus.set(
        request.requestId,
        Item
          ? JSON.stringify({
              status: Item.status?.S,
              followUp: Item.followUp !== undefined,
              unpublished: Item.followUpUnpublished !== undefined,
              inFlight: Item.inFlight !== undefined,
            })
          : 'no record',
      );
    }
    payer?.stop();
    const report = buildReport({
      ...(payer ? { paidLater: payer.paid() } : {}),
      ledgerStatus,
      requests,
      faultsStruck,
      editedFiles,
      awsFaults: awsFaultFigures(stack, intake, (requestId) => finalOutcomes(outcomes.get(requestId))[0] !== undefined),
      sends: transmissions,
      // The subscriptions bought to be renewed are the campaign's set-up, not its requests' purchases.
      orders: (stack.sandbox?.orders() ?? []).filter((order) => !order.coupons.includes(SETUP_COUPON)),
      virtualMachines: stack.sandbox?.virtualMachines() ?? [],
      domains: stack.sandbox?.domains() ?? [],
      outcomes,
      resolutions,
      crashesByPoint,
      redriven,
      durationMs: Date.now() - started,
      spending: spendingFigures({
        requests,
        orders: stack.sandbox?.orders() ?? [],
        finals: new Map(requests.map((request) => [request.requestId, finalOutcomes(outcomes.get(request.requestId))[0]])),
        decisions: approver.decisions,
      }),
    });
    return { ...report, traces: await tracesOf(stack, report.involved, crashesOf, outcomes) };
  } finally {
    payer?.stop();
    await watcher.stop();
    await stack.stop();
  }
}

/** For each request: the worker crashes that struck it, the outcomes received, its ledger record and its purchase key. */
async function tracesOf(stack: LocalStack, requestIds: string[], crashesOf: Map<string, string[]>, outcomes: Map<string, Outcome[]>): Promise<string[]> {
  const read = async (pk: string) => {
    const { Item } = await stack.clients.dynamodb.send(new GetItemCommand({ TableName: stack.resources.tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
    return Item && unmarshall(Item);
  };
  return Promise.all(
    requestIds.map(async (requestId) => {
      const record = await read(requestId);
      const order = record?.order as Purchase | undefined;
      const key = order ? purchaseKey(order, requestId) : undefined;
      const hold = key ? await read(`purchase-key#${keyName(key)}`) : undefined;
      const { order: _order, outcome: _outcome, ...ledger } = record ?? {};
      const received = (outcomes.get(requestId) ?? []).map(({ status, attempts, reconciliation, error, completedAt }) => ({
        status,
        attempts,
        reconciliation,
        error: error?.message,
        completedAt,
      }));
      return `${requestId}: crashes ${JSON.stringify(crashesOf.get(requestId) ?? [])}; outcomes ${JSON.stringify(received)}; ledger ${JSON.stringify(ledger)}; key ${JSON.stringify(hold ?? null)}`;
    }),
  );
}

const SETUP_COUPON = 'FC-SETUP';
/** Longer than an attempt's reach back in time (clock skew, created_at's whole seconds, late work). */
const SETUP_QUIET_MS = 3_000;

/** Subscriptions for the renewals to renew, bought from the sandbox directly before the campaign starts. */
async function subscriptionsToRenew(stack: LocalStack, options: CampaignOptions, count: number): Promise<string[]> {
  const { SecretString: token } = await stack.clients.secrets.send(new GetSecretValueCommand({ SecretId: stack.resources.secretId }));
  const random = seededRandom(options.seed + 4);
  // In US dollars, outside the campaign's euro budget: the renewals' own budget figures stay the orders'.
  const usd = PRICE_IDS.filter((id) => id.includes('-usd-'));
  return mapConcurrently(Array.from({ length: count }), 8, async () => {
    const itemId = usd[Math.floor(random() * usd.length)];
    const response = await fetch(`${stack.resources.hostingerApiUrl}/api/billing/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ payment_method_id: PAYPAL, items: [{ item_id: itemId }], coupons: [SETUP_COUPON] }),
    });
    return ((await response.json()) as { subscription_id: string }).subscription_id;
  }).then(async (ids) => {
    // Made before any request, and well before: never within an attempt's window, where a generic order's
    // reconciliation could take one of them for its own.
    await new Promise((resolve) => setTimeout(resolve, SETUP_QUIET_MS));
    return ids;
  });
}

/** The account's token changes: the sandbox accepts only the new one, and the secret holds it. */
async function rotateToken(stack: LocalStack, token: string) {
  stack.sandbox?.setToken(token);
  await stack.clients.secrets.send(new PutSecretValueCommand({ SecretId: stack.resources.secretId, SecretString: token }));
}

function secretsOutage(stack: LocalStack, ms: number) {
  stack.aws.secrets.setUnavailable(true);
  setTimeout(() => stack.aws.secrets.setUnavailable(false), ms);
}
