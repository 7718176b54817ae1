import { SQSClient } from '@aws-sdk/client-sqs';
import { redriveDeadLetters } from '../lib/messaging/dlq-redrive.ts';

/**
 * `npm run redrive`: moves dead-lettered orders back to the orders queue. Against the local stack by
 * default; against AWS with ORDERS_QUEUE_URL and ORDERS_DLQ_URL set (and the usual AWS credentials).
 */
const localEndpoint = `http://127.0.0.1:${process.env.LOCAL_AWS_PORT ?? '4566'}`;
const deployed = Boolean(process.env.ORDERS_QUEUE_URL && process.env.ORDERS_DLQ_URL);
const queueUrl = process.env.ORDERS_QUEUE_URL ?? `${localEndpoint}/000000000000/hostinger-orders`;
const deadLetterQueueUrl = process.env.ORDERS_DLQ_URL ?? `${localEndpoint}/000000000000/hostinger-orders-dlq`;
const client = new SQSClient(
  deployed ? {} : { endpoint: localEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
);

console.log(`moving messages from ${deadLetterQueueUrl}\n                  to ${queueUrl}`);
try {
  const moved = await redriveDeadLetters({ client, queueUrl, deadLetterQueueUrl, onProgress: (count) => process.stdout.write(`\rmoved ${count}`) });
  console.log(`\r${moved === 0 ? 'the dead-letter queue is empty' : `moved ${moved} message(s); the worker will pick them up`}`);
} catch (error) {
  console.error(`\nredrive stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
