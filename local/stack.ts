import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { LOCAL_CREDENTIALS, RESOURCE_NAMES } from '../lib/cli/local-resources.ts';
import { PURCHASE_ROUTES } from '../lib/intake/purchase-routes.ts';
import { compilePlans } from '../lib/scheduled/plan-files.ts';
import type { ScheduledPlan } from '../lib/scheduled/plan-schema.ts';
import type { WorkerDependencies } from '../lib/worker/process-batch.ts';
import type { WorkerObserver } from '../lib/worker/worker-events.ts';
import { startLocalAwsOffThread } from './aws/aws-thread.ts';
import { type LocalAws, startLocalAws } from './aws/index.ts';
import { ledgerTableOf, readDeploymentTemplate, type WorkerSettings, workerSettingsOf } from './deployment-template.ts';
import { type HttpLambda, startHttpApi } from './http-api.ts';
import { startHostingerSandboxOffThread } from './sandbox/sandbox-thread.ts';
import { CURRENT_THREAD, type ThreadLoad } from './threads/off-thread.ts';

/** The permission approving and denying need, as the local API checks it (`x-local-scopes`); jwtApproverScope deployed. */
export const APPROVER_SCOPE = 'orders/approve';

import { invokeWithTimeout } from './lambda-context.ts';
import { type HostingerSandbox, startHostingerSandbox } from './sandbox/server.ts';
import { type SqsEventSource, type SqsLambda, startSqsEventSource } from './sqs-event-source.ts';

export interface LocalStackOptions {
  /** Order API port; 0 picks a free one. */
  apiPort: number;
  /** The single local AWS endpoint's port; 0 picks a free one. */
  awsPort: number;
  /** A Hostinger-compatible API to use instead of the built-in sandbox, and its token. */
  hostinger?: { apiUrl: string; token: string };
  sandboxPort?: number;
  sandboxLatencyMs?: number;
  worker?: Partial<WorkerSettings>;
  /**
   * The event source's pollers; default one per concurrent invocation. Lambda adds pollers as a backlog grows,
   * beyond the maximum concurrency: batches are then received while others run (npm start and the bench: twice).
   */
  workerPollers?: number;
  /** Extra environment for the functions (retry settings, timeouts...). */
  functionEnv?: Record<string, string>;
  /** Prints a line about the event source's failed invocations; silent when absent. */
  log?: (line: string) => void;
  /**
   * Wraps the worker's dependencies, for fault injection (crashes at chosen points). The worker is then
   * built from the same factories as functions/order-worker.ts, with the wrapped dependencies.
   */
  decorateWorker?: (deps: WorkerDependencies) => WorkerDependencies;
  /** Told of the worker's retries, reconciliations and deferrals as they happen (npm start prints them). */
  onWorkerEvent?: WorkerObserver;
  /** Share of successful invocations whose deletes are dropped, as if the worker died before Lambda deleted the messages. */
  dropDeleteRate?: number;
  /** How often the sweep of unqueued requests runs (its schedule in serverless.yml); default once a minute. */
  sweepIntervalMs?: number;
  /** How often orders whose wait for approval ran out are ended (its schedule in serverless.yml); default once a minute. */
  approvalExpiryIntervalMs?: number;
  /** How often the follow-up of pending payments and unknown outcomes runs (once a minute in serverless.yml); default every 5 s. */
  followUpIntervalMs?: number;
  /**
   * Where the local AWS endpoint and the sandbox run: 'threads', a worker thread each, so that the stack uses the
   * machine's cores and the functions' thread runs only what Lambda would (npm start, the bench); or
   * 'in-process', on the functions' thread (the default, for tests). The `aws` and `sandbox` objects work alike.
   */
  services?: 'in-process' | 'threads';
}

/** The worker's settings as serverless.yml deploys them; a stack may change them (options.worker). */
export const DEFAULT_WORKER_SETTINGS: WorkerSettings = workerSettingsOf(readDeploymentTemplate());

export interface LocalResources {
  awsEndpoint: string;
  region: string;
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  topicArn: string;
  tableName: string;
  secretId: string;
  hostingerApiUrl: string;
}

export interface LocalStack {
  apiUrl: string;
  resources: LocalResources;
  aws: LocalAws;
  /** Present when the stack runs against the built-in sandbox. */
  sandbox?: HostingerSandbox;
  /** The bearer token the sandbox accepts at start, also the token secret's value: a sandbox value, never a real token. */
  sandboxToken?: string;
  worker: SqsEventSource;
  /** The threads the stack runs on, the functions' first: one, or three with services on threads. */
  threads: ThreadLoad[];
  /** The scheduled plans of batches/, which the local route fires on demand. */
  plans: { name: string; plan: ScheduledPlan }[];
  /** Clients for the local services, for tests, demos and tools. */
  clients: { sqs: SQSClient; sns: SNSClient; dynamodb: DynamoDBClient; secrets: SecretsManagerClient };
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

const queueArnOf = async (sqs: SQSClient, queueUrl: string | undefined) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;

async function createResources(aws: LocalAws, clients: LocalStack['clients'], worker: WorkerSettings, token: string, hostingerApiUrl: string): Promise<LocalResources> {
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: RESOURCE_NAMES.table,
      ...ledgerTableOf(readDeploymentTemplate()),
    }),
  );
  const dlq = await clients.sqs.send(new CreateQueueCommand({ QueueName: RESOURCE_NAMES.deadLetterQueue, Attributes: { MessageRetentionPeriod: '1209600' } }));
  const dlqArn = await queueArnOf(clients.sqs, dlq.QueueUrl);
  const queue = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: RESOURCE_NAMES.queue,
      Attributes: {
        VisibilityTimeout: String(worker.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: worker.maxReceiveCount }),
      },
    }),
  );
  const queueArn = await queueArnOf(clients.sqs, queue.QueueUrl);
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: RESOURCE_NAMES.topic }));
  const secret = await clients.secrets.send(new CreateSecretCommand({ Name: RESOURCE_NAMES.secret, SecretString: token }));
  if (!queue.QueueUrl || !queueArn || !dlq.QueueUrl || !topic.TopicArn || !secret.ARN) throw new Error('local AWS did not return the created resources');
  return {
    awsEndpoint: aws.endpoint,
    region: aws.region,
    queueUrl: queue.QueueUrl,
    queueArn,
    deadLetterQueueUrl: dlq.QueueUrl,
    topicArn: topic.TopicArn,
    tableName: RESOURCE_NAMES.table,
    secretId: secret.ARN,
    hostingerApiUrl,
  };
}

/** Subscribes a new queue to the outcomes topic (raw delivery) and returns its URL: how tests and tools watch outcomes. */
export async function subscribeQueueToOutcomes(stack: Pick<LocalStack, 'clients' | 'resources'>, queueName: string, filterPolicy?: object): Promise<string> {
  const { sqs, sns } = stack.clients;
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const queueArn = await queueArnOf(sqs, queue.QueueUrl);
  await sns.send(
    new SubscribeCommand({
      TopicArn: stack.resources.topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: 'true', ...(filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {}) },
    }),
  );
  if (!queue.QueueUrl) throw new Error(`could not create queue ${queueName}`);
  return queue.QueueUrl;
}

/**
 * Adapts the scheduled runBatch function to a local HTTP route: the body may give the scheduled `time`
 * (firing twice with one time shows a repeat buys nothing); by default it is now.
 */
function firePlanLocally(handler: (firing: { plan: string; time: string }, context: Context) => Promise<unknown>, planNames: string[]): HttpLambda {
  return async (event, context) => {
    const plan = event.pathParameters?.plan ?? '';
    if (!planNames.includes(plan)) {
      const known = planNames.length > 0 ? `; the plans are ${planNames.join(', ')}` : '; batches/ has none';
      return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `no batch plan named ${plan}${known}` }) };
    }
    let time = new Date().toISOString();
    try {
      const body = event.body ? (JSON.parse(event.body) as { time?: unknown }) : {};
      if (typeof body.time === 'string') time = body.time;
    } catch {
      return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'body must be JSON like {"time": "2026-12-01T03:00:00Z"}' }) };
    }
    try {
      const enqueued = await handler({ plan, time }, context);
      return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify(enqueued) };
    } catch (error) {
      return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: error instanceof Error ? error.message : String(error) }) };
    }
  };
}

/** Runs a scheduled function every `intervalMs`, as its EventBridge schedule does, one run at a time. */
function startSchedule(intervalMs: number, functionName: string, handler: (event: unknown, context: Context) => Promise<unknown>, log?: (line: string) => void) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() =>
      invokeWithTimeout((context) => handler({}, context), functionName, 60_000).catch((error: unknown) =>
        log?.(`${functionName} failed: ${error instanceof Error ? error.message : String(error)}`),
      ),
    );
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** The worker built as functions/order-worker.ts builds it, with its dependencies wrapped. */
async function decoratedWorker(decorate: (deps: WorkerDependencies) => WorkerDependencies) {
  const [{ workerConfig }, { createWorkerDependencies, createWorkerFunction }] = await Promise.all([import('../lib/platform/config.ts'), import('../lib/worker/wiring.ts')]);
  return createWorkerFunction(decorate(createWorkerDependencies(workerConfig())));
}

/**
 * Starts the whole pipeline on this machine: local AWS services, the Hostinger sandbox (or a real API),
 * the HTTP API and the worker's event source, running the real function entry points. The functions read
 * their configuration from process.env, as on Lambda, so one process holds one stack.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const workerSettings = { ...DEFAULT_WORKER_SETTINGS, ...options.worker };
  const offThread = options.services === 'threads';
  const aws = offThread ? await startLocalAwsOffThread({ port: options.awsPort, region: REGION }) : await startLocalAws({ port: options.awsPort, region: REGION });
  const clientConfig = { endpoint: aws.endpoint, region: aws.region, credentials: LOCAL_CREDENTIALS };
  const clients = {
    sqs: new SQSClient(clientConfig),
    sns: new SNSClient(clientConfig),
    dynamodb: new DynamoDBClient(clientConfig),
    secrets: new SecretsManagerClient(clientConfig),
  };
  const sandboxToken = `sandbox-${randomBytes(16).toString('hex')}`;
  const sandboxOptions = { port: options.sandboxPort ?? 0, token: sandboxToken, latencyMs: options.sandboxLatencyMs ?? 0 };
  const sandbox = options.hostinger ? undefined : offThread ? await startHostingerSandboxOffThread(sandboxOptions) : await startHostingerSandbox(sandboxOptions);
  const threads: ThreadLoad[] = [CURRENT_THREAD, ...[aws, sandbox].flatMap((service) => (service && 'load' in service ? [service.load as ThreadLoad] : []))];
  const hostingerApiUrl = options.hostinger?.apiUrl ?? (sandbox as HostingerSandbox).url;
  const resources = await createResources(aws, clients, workerSettings, options.hostinger?.token ?? sandboxToken, hostingerApiUrl);
  // The plans compiled as packaging compiles them; a bad plan stops the stack with its file and line.
  const compiledPlans = await mkdtemp(join(tmpdir(), 'hostinger-orders-plans-'));
  const plans = await compilePlans(fileURLToPath(new URL('../batches', import.meta.url)), compiledPlans);

  Object.assign(process.env, {
    AWS_REGION: aws.region,
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    ORDERS_TABLE: resources.tableName,
    ORDERS_QUEUE_URL: resources.queueUrl,
    OUTCOMES_TOPIC_ARN: resources.topicArn,
    HOSTINGER_TOKEN_SECRET_ID: resources.secretId,
    HOSTINGER_API_URL: hostingerApiUrl,
    MAX_RECEIVE_COUNT: String(workerSettings.maxReceiveCount),
    COMPILED_PLANS_DIR: compiledPlans,
    // The repository's policy, wherever the stack is started from (packaged next to the handler when deployed).
    SPENDING_POLICY_FILE: process.env.SPENDING_POLICY_FILE ?? fileURLToPath(new URL('../spending-policy.json', import.meta.url)),
    // CloudWatch metrics are log lines: locally they would only drown the output.
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...options.functionEnv,
  });
  // Imported only now: like on Lambda, each function reads its configuration (and log level) when its module loads.
  const [createOrder, getOrder, runPlan, sweep, decideOrder, expireApprovals, createQuote, getBudget, followUp] = await Promise.all([
    import('../functions/create-order.ts'),
    import('../functions/get-order.ts'),
    import('../functions/run-plan.ts'),
    import('../functions/sweep-unqueued.ts'),
    import('../functions/decide-order.ts'),
    import('../functions/expire-approvals.ts'),
    import('../functions/create-quote.ts'),
    import('../functions/get-budget.ts'),
    import('../functions/follow-up.ts'),
  ]);
  const { decorateWorker, onWorkerEvent } = options;
  const decorate = onWorkerEvent ? (deps: WorkerDependencies) => ({ ...(decorateWorker?.(deps) ?? deps), observe: onWorkerEvent }) : decorateWorker;
  const workerHandler = decorate ? await decoratedWorker(decorate) : (await import('../functions/order-worker.ts')).handler;

  const api = await startHttpApi({
    port: options.apiPort,
    routes: [
      // POST /orders, /vps, /domains, /renewals: one function, as deployed (serverless.yml).
      ...Object.keys(PURCHASE_ROUTES).map((path) => ({ method: 'POST', path, functionName: 'createOrder', handler: createOrder.handler as HttpLambda, timeoutMs: 10_000 })),
      { method: 'GET', path: '/orders/{requestId}', functionName: 'getOrder', handler: getOrder.handler as HttpLambda, timeoutMs: 10_000 },
      { method: 'POST', path: '/quotes', functionName: 'createQuote', handler: createQuote.handler as HttpLambda, timeoutMs: 10_000 },
      { method: 'GET', path: '/budget', functionName: 'getBudget', handler: getBudget.handler as HttpLambda, timeoutMs: 10_000 },
      ...(['approve', 'deny'] as const).map((action) => ({
        method: 'POST',
        path: `/orders/{requestId}/${action}`,
        functionName: 'decideOrder',
        handler: decideOrder.handler as HttpLambda,
        timeoutMs: 10_000,
        requiredScope: APPROVER_SCOPE,
      })),
      // Local only: fires a scheduled plan now, as its schedule would (not part of the deployed API).
      {
        method: 'POST',
        path: '/_local/batches/{plan}',
        functionName: 'runBatch',
        handler: firePlanLocally(
          runPlan.handler,
          plans.map(({ name }) => name),
        ),
        timeoutMs: 60_000,
      },
    ],
  });
  const eventSource = startSqsEventSource({
    client: clients.sqs,
    queueUrl: resources.queueUrl,
    queueArn: resources.queueArn,
    region: aws.region,
    functionName: 'orderWorker',
    handler: workerHandler as SqsLambda,
    batchSize: workerSettings.batchSize,
    concurrency: workerSettings.concurrency,
    pollers: options.workerPollers,
    functionTimeoutMs: workerSettings.functionTimeoutSeconds * 1000,
    dropDeleteRate: options.dropDeleteRate,
    onInvocationError: (error) => options.log?.(`worker invocation failed, its messages will be redelivered: ${error instanceof Error ? error.message : String(error)}`),
  });
  const sweepTimer = startSchedule(options.sweepIntervalMs ?? 60_000, 'sweepUnqueued', sweep.handler, options.log);
  const expiryTimer = startSchedule(options.approvalExpiryIntervalMs ?? 60_000, 'expireApprovals', expireApprovals.handler, options.log);
  const followUpTimer = startSchedule(options.followUpIntervalMs ?? 5_000, 'followUp', followUp.handler, options.log);

  return {
    apiUrl: api.url,
    resources,
    aws,
    sandbox,
    sandboxToken: sandbox && sandboxToken,
    worker: eventSource,
    threads,
    plans,
    clients,
    async stop() {
      await api.close();
      await sweepTimer.stop();
      await expiryTimer.stop();
      await followUpTimer.stop();
      await eventSource.stop();
      for (const client of Object.values(clients)) client.destroy();
      await sandbox?.close();
      await aws.close();
      await rm(compiledPlans, { recursive: true, force: true });
    },
  };
}
