import { forgetRunningStack, writeRunningStack } from '../lib/cli/local-resources.ts';
import { formatPublished } from '../lib/cli/outcome-lines.ts';
import { watchOutcomes } from './outcome-watcher.ts';
import { startLocalStack } from './stack.ts';
import { localStackOptionsFromEnv } from './stack-env.ts';

/** `npm start`: the whole pipeline on this machine until Ctrl-C. */
const options = localStackOptionsFromEnv(process.env);
const stack = await startLocalStack({ ...options, log: (line) => console.error(line) });
const watcher = await watchOutcomes(stack, 'hostinger-orders-outcomes-tap', (published) => console.log(`outcome ${formatPublished(published)}`));
const { resources, plans } = stack;
// Tools (the CLI's dry run) find the parts whose ports were chosen at start here.
await writeRunningStack(process.cwd(), { orderApiUrl: stack.apiUrl, awsEndpoint: resources.awsEndpoint, hostingerApiUrl: resources.hostingerApiUrl });

console.log(
  [
    stack.sandbox ? `Hostinger sandbox: ${stack.sandbox.url} (faults: ${stack.sandbox.url}/__sandbox/faults)` : `Hostinger API: ${resources.hostingerApiUrl}`,
    `Local AWS endpoint: ${resources.awsEndpoint} (region ${resources.region}, any credentials)`,
    `  orders queue:      ${resources.queueUrl}`,
    `  dead-letter queue: ${resources.deadLetterQueueUrl}`,
    `  outcomes topic:    ${resources.topicArn}`,
    `  ledger table:      ${resources.tableName}`,
    `  token secret:      ${resources.secretId}`,
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
