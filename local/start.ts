import { forgetRunningStack, writeRunningStack } from '../lib/cli/local-resources.ts';
import { formatPublished } from '../lib/cli/outcome-lines.ts';
import { ConfigError } from '../lib/platform/config.ts';
import { describeSpendingPolicy } from '../lib/platform/policy-file.ts';
import { watchOutcomes } from './outcome-watcher.ts';
import { listenErrorPort, settlePorts } from './ports.ts';
import { DEFAULT_WORKER_SETTINGS, type LocalStack, startLocalStack } from './stack.ts';
import { localStackOptionsFromEnv, portRequests, printedEvents } from './stack-env.ts';
import { formatWorkerEvent } from './worker-event-lines.ts';

/** `npm start`: the whole pipeline on this machine until Ctrl-C. */

/** Ends the process with one line saying what is wrong and what to change: these are not bugs, no stack trace. */
function refuse(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

/** The settings from the environment, with ports that are free now (a busy default gives way to a free port). */
async function settings() {
  try {
    const options = localStackOptionsFromEnv(process.env);
    const printed = printedEvents(process.env);
    const { ports, notices } = await settlePorts(portRequests(process.env));
    return { options: { ...options, ...ports }, printed, notices };
  } catch (error) {
    // A bad setting, or a busy port the user chose: the message says what to change.
    return refuse(error instanceof Error ? error.message : String(error));
  }
}

const { options, printed, notices } = await settings();
for (const notice of notices) console.log(notice);
let stack: LocalStack;
try {
  stack = await startLocalStack({
    ...options,
    // The emulators and the sandbox on threads of their own: the stack uses the machine's cores.
    services: 'threads',
    // As Lambda does under a backlog: batches received while others run.
    workerPollers: 2 * (options.worker?.concurrency ?? DEFAULT_WORKER_SETTINGS.concurrency),
    log: (line) => console.error(line),
    // One line per retry, reconciliation and deferral: "make the sandbox fail, and watch the worker retry".
    onWorkerEvent: printed === 'all' ? (event) => console.log(formatWorkerEvent(event)) : undefined,
  });
} catch (error) {
  // A function's setting refused as it loads (HOSTINGER_MAX_ATTEMPTS=abc, say): its message names the variable.
  if (error instanceof ConfigError) refuse(error.message);
  // Taken between the check and the listen (a race with another process): still one clear line.
  const port = listenErrorPort(error);
  if (port === undefined) throw error;
  const variable = Object.values(portRequests(process.env)).find((request) => request.port === port)?.variable ?? 'PORT or LOCAL_AWS_PORT';
  refuse(`port ${port} was taken while the stack started; set ${variable} to a free port, or to 0 for any free port`);
}
const watcher = await watchOutcomes(stack, 'hostinger-orders-outcomes-tap', (published) => {
  if (printed !== 'none') console.log(`outcome ${formatPublished(published)}`);
});
const { resources, plans } = stack;
// Tools (the CLI's dry run) find the parts whose ports were chosen at start here.
await writeRunningStack(process.cwd(), { orderApiUrl: stack.apiUrl, awsEndpoint: resources.awsEndpoint, hostingerApiUrl: resources.hostingerApiUrl });

console.log(
  [
    stack.sandbox ? `Hostinger sandbox: ${stack.sandbox.url} (faults: ${stack.sandbox.url}/__sandbox/faults)` : `Hostinger API: ${resources.hostingerApiUrl}`,
    // Only the sandbox's own token, for curl and SDKs pointed at it; a real API's token is never printed.
    ...(stack.sandboxToken ? [`  sandbox token:     ${stack.sandboxToken} (Authorization: Bearer <token>; a sandbox value, not a real token)`] : []),
    `Local AWS endpoint: ${resources.awsEndpoint} (region ${resources.region}, any credentials)`,
    `  orders queue:      ${resources.queueUrl}`,
    `  dead-letter queue: ${resources.deadLetterQueueUrl}`,
    `  outcomes topic:    ${resources.topicArn}`,
    `  ledger table:      ${resources.tableName}`,
    `  token secret:      ${resources.secretId}`,
    describeSpendingPolicy(process.env),
    ...(plans.length > 0 ? ['Batch plans (fire one now: curl -X POST <Order API>/_local/batches/<name>):'] : []),
    ...plans.map(({ name, plan }) => `  ${name.padEnd(20)} ${plan.schedule}${plan.enabled ? '' : ' (disabled)'}, ${plan.orders.length} order(s)`),
    `Order API: ${stack.apiUrl}`,
  ].join('\n'),
);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log('stopping...');
  await watcher.stop();
  await stack.stop();
  await forgetRunningStack(process.cwd());
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
