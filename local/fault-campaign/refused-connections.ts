import net from 'node:net';
import { createPurchaseClient } from '../../lib/hostinger/purchase-client.ts';
import type { WorkerDependencies } from '../../lib/worker/process-batch.ts';

/** A local port nothing listens on: connections to it are refused (the port was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Sends the first attempt of chosen orders to a closed port instead of Hostinger, through the real order
 * client: a real refused connection, which must be retried (nothing reached Hostinger), never end unknown.
 * `refuse` names the order's tag (its coupon) the first time, and is told when a refusal happened.
 */
export function injectRefusedConnections(
  deps: WorkerDependencies,
  options: { port: number; timeoutMs: number; refuseFirst: (coupons: string[]) => boolean; refused: (coupons: string[]) => void },
): WorkerDependencies {
  // Refused before any byte is sent, the client never reads the account: its reads are never called.
  const never = () => Promise.reject(new Error('not read'));
  const refusing = createPurchaseClient({
    baseUrl: `http://127.0.0.1:${options.port}`,
    timeoutMs: options.timeoutMs,
    reads: { billing: { subscriptions: never }, provisioning: { portfolio: never } },
  });
  return {
    ...deps,
    submit: {
      ...deps.submit,
      placeOrder: async (order, token, context) => {
        const coupons = order.coupons ?? [];
        if (!options.refuseFirst(coupons)) return deps.submit.placeOrder(order, token, context);
        const result = await refusing(order, token, context);
        if (result.kind === 'retryable' && result.error.code === 'ECONNREFUSED') options.refused(coupons);
        return result;
      },
    },
  };
}
