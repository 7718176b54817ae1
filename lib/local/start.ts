import { formatOutcome, watchOutcomes } from './outcome-watcher.ts';
import { startLocalStack } from './stack.ts';
import { localStackOptionsFromEnv } from './stack-env.ts';

/** `npm start`: the whole pipeline on this machine until Ctrl-C. */
const options = localStackOptionsFromEnv(process.env);
const stack = await startLocalStack({ ...options, log: (line) => console.error(line) });
const watcher = await watchOutcomes(stack, 'hostinger-orders-outcomes-tap', (outcome) => console.log(`outcome ${formatOutcome(outcome)}`));
const { resources } = stack;

console.log(
  [
    stack.sandbox ? `Hostinger sandbox: ${stack.sandbox.url} (faults: ${stack.sandbox.url}/__sandbox/faults)` : `Hostinger API: ${resources.hostingerApiUrl}`,
    `Local AWS endpoint: ${resources.awsEndpoint} (region ${resources.region}, any credentials)`,
    `  orders queue:      ${resources.queueUrl}`,
    `  dead-letter queue: ${resources.deadLetterQueueUrl}`,
    `  outcomes topic:    ${resources.topicArn}`,
    `  ledger table:      ${resources.tableName}`,
    `  token secret:      ${resources.secretId}`,
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
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
