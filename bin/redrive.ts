import { main } from '../lib/cli/main.ts';

/**
 * `npm run redrive`: the CLI's `hostinger-orders redrive` (lib/cli/commands/redrive.ts), which moves
 * dead-lettered orders back to the orders queue. Against the local stack npm start recorded (it says which)
 * by default; against AWS when ORDERS_QUEUE_URL and ORDERS_DLQ_URL are set (with the usual AWS credentials).
 */
const deployed = Boolean(process.env.ORDERS_QUEUE_URL && process.env.ORDERS_DLQ_URL);
await main(['redrive', ...(deployed ? ['--target', 'aws'] : []), ...process.argv.slice(2)]);
