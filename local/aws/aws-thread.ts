import { startOffThread, type ThreadLoad } from '../threads/off-thread.ts';
import type { LocalAws, LocalAwsOptions } from './index.ts';

/** The local AWS endpoint (router and emulators) on a worker thread of its own, behind the same API. */
export async function startLocalAwsOffThread(options: LocalAwsOptions = {}): Promise<LocalAws & { load: ThreadLoad }> {
  const thread = await startOffThread<{ endpoint: string; region: string }>('local AWS', new URL('./index.ts', import.meta.url), 'startLocalAws', options);
  const { call } = thread;
  return {
    ...thread.data,
    load: thread.load,
    calls: () => call('calls'),
    resetCalls: () => call('resetCalls'),
    billedUsage: () => call('billedUsage'),
    secrets: { setUnavailable: (on) => call('secrets.setUnavailable', on) },
    faults: {
      setFailureRate: (name, rate) => call('faults.setFailureRate', name, rate),
      setLostReplyRate: (name, rate, how) => call('faults.setLostReplyRate', name, rate, how),
      loseNextReplies: (name, plan) => call('faults.loseNextReplies', name, plan),
      lostReplies: () => call('faults.lostReplies'),
    },
    dynamodb: { setIndexLag: (ms) => call('dynamodb.setIndexLag', ms), hiddenByIndexLag: () => call('dynamodb.hiddenByIndexLag') },
    close: () => thread.close(),
  };
}
