import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type BilledUsage, createBillingMeter } from './billing-meter.ts';
import { startDynamoDb } from './dynamodb.ts';
import { startSqsAndSns } from './fauxqs.ts';
import { createIndexLag } from './index-lag.ts';
import { type LostReply, startRouter } from './router.ts';
import { startSecretsManagerServer } from './secrets-manager-server.ts';

export interface LocalAwsOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 'us-east-1'. */
  region?: string;
}

export interface LocalAws {
  /** 'http://127.0.0.1:<port>': one endpoint for SQS, SNS, DynamoDB and Secrets Manager. */
  endpoint: string;
  region: string;
  /** API calls so far by '<service>.<Action>', e.g. 'sqs.SendMessage'. */
  calls(): Record<string, number>;
  resetCalls(): void;
  /** What the calls since the last resetCalls() would be billed as on AWS (64 KB chunks, DynamoDB units). */
  billedUsage(): BilledUsage;
  secrets: {
    /** While on, every Secrets Manager call fails with HTTP 503 ServiceUnavailable. */
    setUnavailable(on: boolean): void;
  };
  faults: {
    /** Makes this share (0 to 1) of calls to '<service>.<Action>' fail with a 500 InternalFailure. */
    setFailureRate(call: string, rate: number): void;
    /**
     * Makes this share (0 to 1) of calls to '<service>.<Action>' take effect and then lose their reply (the
     * connection reset, or a 500 InternalFailure answered after the emulator applied the call).
     */
    setLostReplyRate(call: string, rate: number, how?: LostReply): void;
    /** Loses the reply of the next `times` calls to '<service>.<Action>' whose request body contains `match` (any, if absent). */
    loseNextReplies(call: string, options?: { times?: number; match?: string; how?: LostReply }): void;
    /** Replies lost so far, by call. */
    lostReplies(): Record<string, number>;
  };
  dynamodb: {
    /** Queries on a global secondary index do not see items written less than `ms` ago (0: no lag, the default). */
    setIndexLag(ms: number): void;
    /** Items index queries did not show so far, because of the lag. */
    hiddenByIndexLag(): number;
  };
  /** Stops everything, dropping idle keep-alive sockets; safe to call more than once. */
  close(): Promise<void>;
}

/** Starts local, wire-compatible SQS, SNS, DynamoDB and Secrets Manager behind a single endpoint. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? 'us-east-1';
  const [sqsAndSns, dynamodb, secretsmanager] = await Promise.all([startSqsAndSns(region), startDynamoDb(), startSecretsManagerServer(region)]);
  const emulators = [sqsAndSns, dynamodb, secretsmanager];
  const closeEmulators = async (): Promise<void> => {
    await Promise.all(emulators.map((emulator) => emulator.close()));
  };

  const callCounts = new Map<string, number>();
  const failureRates = new Map<string, number>();
  const lostReplyRates = new Map<string, { rate: number; how: LostReply }>();
  const lostReplyPlans: { call: string; times: number; match?: string; how: LostReply }[] = [];
  const lostReplies = new Map<string, number>();
  // The lagging index reads items straight from dynalite, not through the router (and its faults).
  const dynalite = new DynamoDBClient({ endpoint: dynamodb.origin, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const indexLag = createIndexLag(async (table, key) => (await dynalite.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item);
  const billing = createBillingMeter();
  const loseReply = (call: string, body: Buffer): LostReply | undefined => {
    const plan = lostReplyPlans.find((candidate) => candidate.call === call && (candidate.match === undefined || body.includes(candidate.match)));
    let how: LostReply | undefined;
    if (plan) {
      how = plan.how;
      plan.times -= 1;
      if (plan.times <= 0) lostReplyPlans.splice(lostReplyPlans.indexOf(plan), 1);
    } else {
      const random = lostReplyRates.get(call);
      if (random && Math.random() < random.rate) how = random.how;
    }
    if (how) lostReplies.set(call, (lostReplies.get(call) ?? 0) + 1);
    return how;
  };
  const router = await startRouter({
    port: options.port ?? 0,
    upstreams: { sqsAndSns: sqsAndSns.origin, dynamodb: dynamodb.origin, secretsmanager: secretsmanager.origin },
    onCall: (call, body) => {
      callCounts.set(call, (callCounts.get(call) ?? 0) + 1);
      billing.noteRequest(call, body);
    },
    shouldFail: (call) => Math.random() < (failureRates.get(call) ?? 0),
    loseReply,
    beforeCall: async (call, body) => (call.startsWith('dynamodb.') ? indexLag.beforeCall(call, body) : undefined),
    rewriteReply: { applies: indexLag.applies, forwarded: indexLag.forwardedRequest, rewrite: indexLag.filterReply },
    meter: billing,
  }).catch(async (error: unknown) => {
    // e.g. the port is taken: do not leave the emulators running.
    await closeEmulators();
    throw error;
  });

  let closing: Promise<void> | undefined;
  return {
    endpoint: router.origin,
    region,
    calls: () => Object.fromEntries(callCounts),
    resetCalls: () => {
      callCounts.clear();
      billing.reset();
    },
    billedUsage: () => billing.usage(),
    secrets: { setUnavailable: (on) => secretsmanager.setUnavailable(on) },
    faults: {
      setFailureRate: (call, rate) => failureRates.set(call, rate),
      setLostReplyRate: (call, rate, how = 'reset') => lostReplyRates.set(call, { rate, how }),
      loseNextReplies: (call, { times = 1, match, how = 'reset' } = {}) => lostReplyPlans.push({ call, times, match, how }),
      lostReplies: () => Object.fromEntries(lostReplies),
    },
    dynamodb: { setIndexLag: (ms) => indexLag.setLagMs(ms), hiddenByIndexLag: () => indexLag.hidden() },
    close: () => {
      closing ??= router
        .close()
        .then(() => dynalite.destroy())
        .then(closeEmulators);
      return closing;
    },
  };
}
