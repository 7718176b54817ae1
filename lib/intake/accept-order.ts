import { randomUUID } from 'node:crypto';
import type { CatalogGuard } from '../catalog/catalog-guard.ts';
import type { RequestLedger, RequestStatus } from '../ledger/request-ledger.ts';
import type { EnqueueOrder } from '../messaging/order-queue.ts';
import { type PurchaseKind, parsePurchase } from '../order/kinds/purchase.ts';
import type { FieldErrors } from '../order/order-request.ts';
import { isValidIdempotencyKey, newRequestId, requestHash, requestIdForIdempotencyKey } from '../order/request-identity.ts';
import { logger } from '../platform/logger.ts';

export type IntakeResult =
  | { kind: 'accepted'; requestId: string; status: RequestStatus; duplicate: boolean }
  /** The record could not be written, or not confirmed: the request may or may not be recorded (and then processed). */
  | { kind: 'unconfirmed'; requestId: string; error: unknown }
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'conflict'; requestId: string; message: string };

export interface IntakeDependencies {
  ledger: RequestLedger;
  enqueue: EnqueueOrder;
  /** Catalog and payment-method checks; absent when switched off. */
  catalogGuard?: CatalogGuard;
  now: () => Date;
}

/**
 * Validates a purchase of any kind (an order unless `kind` says otherwise), records it and queues it. With an Idempotency-Key the request id is derived from the
 * key, so a repeat of the same request finds its record and queues nothing new.
 *
 * The record is the commitment: once it is written the request is accepted, whatever happens to the
 * message. A record whose message is not known to be queued stays listed as unqueued, and the sweep
 * (sweepUnqueued) queues it; a message queued twice is harmless, the worker's claim dedupes it.
 */
export async function acceptOrder(input: { body: unknown; idempotencyKey?: string; caller?: string; kind?: PurchaseKind }, deps: IntakeDependencies): Promise<IntakeResult> {
  const { idempotencyKey } = input;
  if (idempotencyKey !== undefined && !isValidIdempotencyKey(idempotencyKey)) {
    return { kind: 'invalid', errors: { 'Idempotency-Key': ['must be 1 to 255 printable ASCII characters without spaces'] } };
  }
  const parsed = parsePurchase(input.kind ?? 'order', input.body);
  if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };

  const order = parsed.value;
  const requestId = idempotencyKey === undefined ? newRequestId() : requestIdForIdempotencyKey(idempotencyKey, input.caller);
  const hash = requestHash(order);
  const refused = await deps.catalogGuard?.(order);
  if (refused) {
    // A replay of a request accepted earlier gets its request id back, even if the catalog changed since.
    const earlier = idempotencyKey === undefined ? undefined : await deps.ledger.get(requestId);
    if (earlier?.requestHash === hash) return { kind: 'accepted', requestId, status: earlier.status, duplicate: true };
    return { kind: 'invalid', errors: refused };
  }
  const createToken = randomUUID();
  let created;
  try {
    created = await deps.ledger.create({ requestId, source: 'http', order, requestHash: hash, owner: input.caller, now: deps.now(), createToken });
  } catch (error) {
    // The write may have taken effect although its every reply was lost: look before saying anything.
    const written = await deps.ledger.get(requestId).catch(() => undefined);
    if (written?.createToken !== createToken) return { kind: 'unconfirmed', requestId, error };
    created = { created: true } as const;
  }
  if (!created.created) {
    if (created.existing.requestHash !== hash) {
      return { kind: 'conflict', requestId, message: 'this Idempotency-Key was already used with a different order' };
    }
    return { kind: 'accepted', requestId, status: created.existing.status, duplicate: true };
  }
  try {
    await deps.enqueue(requestId, order);
    await deps.ledger.markEnqueued(requestId, deps.now());
  } catch (error) {
    // The message may or may not be on the queue: the record stays unqueued and the sweep queues it.
    logger.warn('order recorded, its message not confirmed on the queue; the sweep of unqueued requests queues it', { requestId, error: error as Error });
  }
  return { kind: 'accepted', requestId, status: 'queued', duplicate: false };
}
