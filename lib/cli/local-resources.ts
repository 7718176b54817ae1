import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
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

export const forgetRunningStack = (root: string) => rm(runningStackFile(root), { force: true });

/** The stack a running `npm start` recorded in `folder` (the folder it was started in), if any. */
export function findRunningStack(folder: string): { stack: RunningStack; file: string } | undefined {
  const file = runningStackFile(folder);
  let stack: Partial<RunningStack>;
  try {
    stack = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunningStack>;
  } catch {
    return undefined;
  }
  return typeof stack.awsEndpoint === 'string' ? { stack: stack as RunningStack, file } : undefined;
}
