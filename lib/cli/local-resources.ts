import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * What the local stack names its resources, and where a running `npm start` says how to reach it: shared by
 * the stack and the CLI, which must not load the stack's emulators just to know a queue's name.
 */
export const RESOURCE_NAMES = {
  table: 'hostinger-orders',
  queue: 'hostinger-orders',
  deadLetterQueue: 'hostinger-orders-dlq',
  topic: 'hostinger-orders-outcomes',
  secret: 'hostinger-orders/hostinger-api-token',
} as const;

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Written by `npm start` while it runs, so tools find the parts whose ports are chosen at start. */
export interface RunningStack {
  orderApiUrl: string;
  awsEndpoint: string;
  hostingerApiUrl: string;
}

export const runningStackFile = (root: string) => join(root, '.hostinger-orders', 'local.json');

export async function writeRunningStack(root: string, stack: RunningStack): Promise<void> {
  const file = runningStackFile(root);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(stack, null, 2)}\n`);
}

export async function readRunningStack(root: string): Promise<RunningStack | undefined> {
  const text = await readFile(runningStackFile(root), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as RunningStack);
}

export const forgetRunningStack = (root: string) => rm(runningStackFile(root), { force: true });
