import { createHash, randomUUID } from 'node:crypto';
import { type Purchase, redactPurchase } from './kinds/purchase.ts';

/** JSON with object keys sorted, so equal orders hash equally whatever order their fields came in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Fingerprint of what a purchase buys (its kind included): two requests with one id must buy the same thing.
 * A VM's root password is no part of it: the ledger does not keep it, and a request queued again from the
 * ledger carries only its marker, yet is the same request.
 */
export function requestHash(order: Purchase): string {
  return sha256(canonicalJson(redactPurchase(order)));
}

/**
 * A UUID-shaped id derived from the caller's Idempotency-Key, so the same key always names the same request.
 * Scoped by the caller (IAM principal ARN or JWT subject): two callers' equal keys name different requests,
 * and nobody can guess, or collide with, another caller's request id from a key.
 */
export function requestIdForIdempotencyKey(key: string, caller?: string): string {
  const hex = sha256(caller === undefined ? `idempotency-key:${key}` : `idempotency-key:${caller.length}:${caller}:${key}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const newRequestId = (): string => randomUUID();

/** 1 to 255 printable ASCII characters without spaces: what we accept as an Idempotency-Key header. */
export const isValidIdempotencyKey = (key: string): boolean => /^[\x21-\x7e]{1,255}$/.test(key);
