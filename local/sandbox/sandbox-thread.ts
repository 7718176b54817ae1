import { startOffThread, type ThreadLoad } from '../threads/off-thread.ts';
import type { HostingerSandbox, SandboxOptions } from './server.ts';

/** The Hostinger sandbox on a worker thread of its own, behind the same API (what its methods return is a copy). */
export async function startHostingerSandboxOffThread(options: SandboxOptions): Promise<HostingerSandbox & { load: ThreadLoad }> {
  const thread = await startOffThread<{ url: string; port: number }>('Hostinger sandbox', new URL('./server.ts', import.meta.url), 'startHostingerSandbox', options);
  const { call } = thread;
  return {
    ...thread.data,
    load: thread.load,
    setToken: (token) => call('setToken', token),
    setLatency: (ms) => call('setLatency', ms),
    addFaults: (rules) => call('addFaults', rules),
    clearFaults: () => call('clearFaults'),
    faults: () => call('faults'),
    orders: () => call('orders'),
    subscriptions: () => call('subscriptions'),
    virtualMachines: () => call('virtualMachines'),
    domains: () => call('domains'),
    requestCount: () => call('requestCount'),
    close: () => thread.close(),
  };
}
