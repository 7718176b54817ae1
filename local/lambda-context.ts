import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda context for a local invocation: the remaining time counts down from the function's timeout. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Invocations of each function and their billed duration: Lambda bills each one rounded up to the millisecond. */
export interface BilledInvocations {
  invocations: number;
  billedMs: number;
}

const billed = new Map<string, BilledInvocations>();

/** Every local invocation so far, by function name (the event source, the HTTP API and the schedules all invoke here). */
export const billedInvocations = (): Record<string, BilledInvocations> => Object.fromEntries([...billed].map(([name, usage]) => [name, { ...usage }]));

export const resetBilledInvocations = (): void => billed.clear();

/** Runs a handler like Lambda does: past the timeout the invocation fails, whatever it was doing. */
export async function invokeWithTimeout<T>(run: (context: Context) => Promise<T>, functionName: string, timeoutMs: number): Promise<T> {
  const context = lambdaContext(functionName, timeoutMs);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${functionName} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([run(context), timeout]);
  } finally {
    clearTimeout(timer);
    const usage = billed.get(functionName) ?? { invocations: 0, billedMs: 0 };
    billed.set(functionName, { invocations: usage.invocations + 1, billedMs: usage.billedMs + Math.ceil(performance.now() - started) });
  }
}
