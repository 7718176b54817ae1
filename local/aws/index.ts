import { startDynamoDb } from './dynamodb.ts';
import { startSqsAndSns } from './fauxqs.ts';
import { startRouter } from './router.ts';
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
  secrets: {
    /** While on, every Secrets Manager call fails with HTTP 503 ServiceUnavailable. */
    setUnavailable(on: boolean): void;
  };
  faults: {
    /** Makes this share (0 to 1) of calls to '<service>.<Action>' fail with a 500 InternalFailure. */
    setFailureRate(call: string, rate: number): void;
  };
  /** Stops everything, dropping idle keep-alive sockets; safe to call more than once. */
  close(): Promise<void>;
}

/** Starts local, wire-compatible SQS, SNS, DynamoDB and Secrets Manager behind a single endpoint. */
export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? 'us-east-1';
  const [sqsAndSns, dynamodb, secretsmanager] = await Promise.all([
    startSqsAndSns(region),
    startDynamoDb(),
    startSecretsManagerServer(region),
  ]);
  const emulators = [sqsAndSns, dynamodb, secretsmanager];
  const closeEmulators = async (): Promise<void> => {
    await Promise.all(emulators.map((emulator) => emulator.close()));
  };

  const callCounts = new Map<string, number>();
  const failureRates = new Map<string, number>();
  const router = await startRouter({
    port: options.port ?? 0,
    upstreams: { sqsAndSns: sqsAndSns.origin, dynamodb: dynamodb.origin, secretsmanager: secretsmanager.origin },
    onCall: (call) => callCounts.set(call, (callCounts.get(call) ?? 0) + 1),
    shouldFail: (call) => Math.random() < (failureRates.get(call) ?? 0),
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
    resetCalls: () => callCounts.clear(),
    secrets: { setUnavailable: (on) => secretsmanager.setUnavailable(on) },
    faults: { setFailureRate: (call, rate) => failureRates.set(call, rate) },
    close: () => {
      closing ??= router.close().then(closeEmulators);
      return closing;
    },
  };
}
