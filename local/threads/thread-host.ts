/**
 * The worker thread's side of an off-thread service (see off-thread.ts): starts the service with the factory
 * it is given, then answers calls to its methods, by dotted path ('faults.setFailureRate'), until closed.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';

export interface ThreadData {
  module: string;
  factory: string;
  options: unknown;
  /** Int32[0] goes to 1 when a synchronous reply is on `replies`. */
  signal: SharedArrayBuffer;
  requests: MessagePort;
  replies: MessagePort;
}

export interface ThreadRequest {
  id: number;
  path: string;
  args: unknown[];
  /** Answered on the worker's parent port (awaited by the caller) rather than synchronously. */
  async: boolean;
}

export type ThreadReply = { id: number; value: unknown } | { id: number; error: string };

type Service = Record<string, unknown>;

function method(service: Service, path: string): (...args: unknown[]) => unknown {
  const names = path.split('.');
  const name = names.pop() as string;
  const owner = names.reduce<Service>((object, key) => object[key] as Service, service);
  const fn = owner[name];
  if (typeof fn !== 'function') throw new Error(`no method ${path}`);
  return (...args) => (fn as (...a: unknown[]) => unknown).apply(owner, args);
}

/** The service's data properties (its URL, port...), copied to the caller once. */
const dataOf = (service: Service) =>
  Object.fromEntries(Object.entries(service).filter(([, value]) => typeof value !== 'function' && (typeof value !== 'object' || value === null)));

const data = workerData as ThreadData;
const signal = new Int32Array(data.signal);
const loaded = (await import(data.module)) as Record<string, (options: unknown) => Promise<Service>>;
const factory = loaded[data.factory];
if (!factory) throw new Error(`${data.module} exports no ${data.factory}`);
const service = await factory(data.options);
const threadMethods: Service = { __threadCpuUsage: () => process.threadCpuUsage() };

data.requests.on('message', (request: ThreadRequest) => {
  const answer = (reply: ThreadReply) => {
    if (request.async) return parentPort?.postMessage(reply);
    data.replies.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    const target = request.path in threadMethods ? (threadMethods[request.path] as () => unknown) : method(service, request.path);
    const value = target(...request.args);
    if (request.async)
      Promise.resolve(value).then(
        (settled) => answer({ id: request.id, value: settled }),
        (error: unknown) => answer({ id: request.id, error: String(error) }),
      );
    else answer({ id: request.id, value });
  } catch (error) {
    answer({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort?.postMessage({ ready: dataOf(service) });
