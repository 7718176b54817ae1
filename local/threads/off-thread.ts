/**
 * Runs a local service (the AWS emulators, the Hostinger sandbox) on a worker thread of its own, so the local
 * stack uses more than one core, while the caller keeps a synchronous API to it: a call posts a message and
 * waits (Atomics.wait) for the thread's reply. The service's work never waits on the caller's thread, so the
 * wait is short and cannot deadlock.
 */
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ThreadData, ThreadReply, ThreadRequest } from './thread-host.ts';

/** How busy a thread is: its event loop and its CPU. */
export interface ThreadLoad {
  name: string;
  /** Like performance.eventLoopUtilization(), for the thread. */
  eventLoopUtilization(since?: EventLoopUtilization): EventLoopUtilization;
  /** CPU time of this thread alone (user and system, µs). */
  cpuUsage(): NodeJS.CpuUsage;
}

/** This (the caller's) thread. */
export const CURRENT_THREAD: ThreadLoad = {
  name: 'pipeline',
  eventLoopUtilization: (since) => performance.eventLoopUtilization(since),
  cpuUsage: () => process.threadCpuUsage(),
};

export interface OffThread<Data> {
  /** The service's data properties as it started (URL, port...). */
  data: Data;
  /** Calls a method by dotted path and waits for its result. */
  call<T = unknown>(path: string, ...args: unknown[]): T;
  load: ThreadLoad;
  /** Closes the service (its async `close`), then ends the thread. */
  close(): Promise<void>;
}

const HOST = new URL('./thread-host.ts', import.meta.url);

/** Starts `factory(options)`, exported by `module`, on a new worker thread. */
export async function startOffThread<Data>(name: string, module: URL, factory: string, options: unknown): Promise<OffThread<Data>> {
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const requests = new MessageChannel();
  const replies = new MessageChannel();
  const threadData: ThreadData = { module: module.href, factory, options, signal, requests: requests.port2, replies: replies.port2 };
  // The thread loads TypeScript with tsx, like npm start and the bench; under a test runner's own loader, tsx is added.
  const execArgv = process.execArgv.some((arg) => arg.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'];
  const worker = new Worker(HOST, { workerData: threadData, transferList: [requests.port2, replies.port2], name, execArgv });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  let exited = false;

  const data = await new Promise<Data>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${name} thread exited (${code}) before it started`)));
    worker.on('message', (message: { ready: Data } | ThreadReply) => {
      if ('ready' in message) return resolve(message.ready);
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if ('error' in message) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.value);
    });
  });
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  worker.on('error', (error) => console.error(`${name} thread failed:`, error));
  worker.on('exit', () => {
    exited = true;
    for (const waiting of pending.values()) waiting.reject(new Error(`${name} thread exited`));
  });

  function call<T>(path: string, ...args: unknown[]): T {
    if (exited) throw new Error(`${name} thread has exited`);
    const request: ThreadRequest = { id: (nextId += 1), path, args, async: false };
    Atomics.store(flag, 0, 0);
    requests.port1.postMessage(request);
    if (Atomics.wait(flag, 0, 0, 30_000) === 'timed-out') throw new Error(`${name} thread did not answer ${path} within 30 s`);
    const reply = receiveMessageOnPort(replies.port1)?.message as ThreadReply | undefined;
    if (!reply || reply.id !== request.id) throw new Error(`${name} thread answered out of turn`);
    if ('error' in reply) throw new Error(reply.error);
    return reply.value as T;
  }

  function callAsync(path: string): Promise<unknown> {
    const id = (nextId += 1);
    const reply = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    requests.port1.postMessage({ id, path, args: [], async: true } satisfies ThreadRequest);
    return reply;
  }

  let closing: Promise<void> | undefined;
  return {
    data,
    call,
    load: {
      name,
      eventLoopUtilization: (since) => worker.performance.eventLoopUtilization(since),
      cpuUsage: () => call<NodeJS.CpuUsage>('__threadCpuUsage'),
    },
    close: () => {
      closing ??= (async () => {
        if (!exited) await callAsync('close');
        requests.port1.close();
        replies.port1.close();
        await worker.terminate();
      })();
      return closing;
    },
  };
}
