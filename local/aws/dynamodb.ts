import dynalite from 'dynalite';
import { cacheDynaliteParses } from './dynalite-parse-cache.ts';
import { closeNow, listenOnLoopback } from './loopback.ts';
import type { Upstream } from './upstream.ts';

/** DynamoDB emulated by dynalite, in memory, with tables ACTIVE as soon as they are created. */
export async function startDynamoDb(): Promise<Upstream> {
  cacheDynaliteParses();
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const origin = await listenOnLoopback(server);
  return { origin, close: () => closeNow(server) };
}
