import { integerOption, parseCommandArgs } from '../args.ts';
import { type CliContext, errorMessage, UserError, usageError, writeLine } from '../context.ts';
import { announceTarget, deployedClientSettings, localClientSettings, parseTarget, warnAboutEndpointOverride } from '../targets.ts';

export const REDRIVE_OPTIONS = {
  target: { type: 'string' },
  'queue-url': { type: 'string' },
  'dlq-url': { type: 'string' },
  limit: { type: 'string' },
} as const;

/** `redrive`: moves dead-lettered orders back to the orders queue (lib/messaging/dlq-redrive.ts); never buys twice. */
export async function redriveCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('redrive', args, REDRIVE_OPTIONS);
  if (positionals.length > 0) throw usageError(`redrive takes no arguments, got "${positionals.join(' ')}"`);
  const limit = values.limit === undefined ? undefined : integerOption(values.limit, 'limit', 0, 1, 10_000_000);
  const deployedFlags = values['queue-url'] !== undefined || values['dlq-url'] !== undefined;
  const target = parseTarget(ctx, values.target ?? (deployedFlags ? 'aws' : undefined));
  announceTarget(ctx, target);
  let queueUrl: string;
  let deadLetterQueueUrl: string;
  if (target.kind === 'local') {
    ({ queueUrl, deadLetterQueueUrl } = target.local);
  } else {
    const queue = values['queue-url'] ?? ctx.env.ORDERS_QUEUE_URL;
    const dlq = values['dlq-url'] ?? ctx.env.ORDERS_DLQ_URL;
    if (!queue || !dlq) throw usageError('a deployed redrive needs both queues: --queue-url <orders queue> --dlq-url <dead-letter queue> (or ORDERS_QUEUE_URL and ORDERS_DLQ_URL)');
    queueUrl = queue;
    deadLetterQueueUrl = dlq;
    warnAboutEndpointOverride(ctx);
  }

  const [{ SQSClient }, { redriveDeadLetters }] = await Promise.all([import('@aws-sdk/client-sqs'), import('../../messaging/dlq-redrive.ts')]);
  const client = new SQSClient(target.kind === 'local' ? localClientSettings(target.local) : deployedClientSettings(ctx.env, queueUrl));
  writeLine(ctx.stderr, `moving messages from ${deadLetterQueueUrl}\n                  to ${queueUrl}`);
  let moved = 0;
  try {
    moved = await redriveDeadLetters({
      client,
      queueUrl,
      deadLetterQueueUrl,
      limit,
      onProgress: (count) => {
        moved = count;
        if (ctx.stderr.isTTY) ctx.stderr.write(`\rmoved ${count}`);
      },
    });
  } catch (error) {
    if (ctx.stderr.isTTY && moved > 0) ctx.stderr.write('\n');
    const hint = target.kind === 'local' ? ` (is npm start running? the local AWS endpoint is ${target.local.awsEndpoint})` : '';
    throw new UserError(`redrive stopped after moving ${moved} message(s): ${errorMessage(error)}${hint}`);
  } finally {
    client.destroy();
  }
  if (ctx.stderr.isTTY && moved > 0) ctx.stderr.write('\n');
  writeLine(ctx.stdout, moved === 0 ? 'the dead-letter queue is empty' : `moved ${moved} message(s) back to the orders queue; the worker will pick them up`);
  return 0;
}
