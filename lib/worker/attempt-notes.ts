import type { AttemptContext, PurchaseAttempt } from '../hostinger/place-order.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import type { OrderError } from '../order/order-error.ts';
import type { AttemptNotes } from '../reconciliation/by-key.ts';

type Place = (order: Purchase, token: string, context?: AttemptContext) => Promise<PurchaseAttempt>;

/** An answer after which the purchase may exist: a 5xx, or none at all. */
const uncertain = (error: OrderError | undefined) => error !== undefined && ((error.httpStatus ?? 0) >= 500 || (error.httpStatus === undefined && error.code !== undefined));

/** What earlier deliveries left: an attempt in flight when one ended, or a last error that may have bought. */
export const notesFrom = (unsettledEarlier: boolean, lastError: OrderError | undefined): AttemptNotes => ({
  uncertain: unsettledEarlier || uncertain(lastError),
  domainTaken: false,
});

/** Gives each attempt its request's context, and notes what its answer shows for settling by key. */
export function noting(place: Place, requestId: string, notes: AttemptNotes): (order: Purchase, token: string) => Promise<PurchaseAttempt> {
  return async (order, token) => {
    const result = await place(order, token, { requestId, uncertainBefore: notes.uncertain });
    if (result.kind === 'ambiguous' || (result.kind === 'retryable' && uncertain(result.error))) notes.uncertain = true;
    if (result.effect?.takenAfterUncertainAttempt) notes.domainTaken = true;
    return result;
  };
}
