import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { coupons, dnsName, itemId, paymentMethodId, positiveId, text } from './fields.ts';

/** Hostinger's VPS.V1.VirtualMachine.PurchaseRequest (POST /api/vps/v1/virtual-machines), strictly. */
export const vpsSetupSchema = z.strictObject(
  {
    template_id: positiveId,
    data_center_id: positiveId,
    post_install_script_id: z.optional(positiveId),
    // Hostinger asks for 12 characters at least; it never shows the password again.
    password: z.optional(text(12, 128)),
    hostname: z.optional(dnsName),
    install_monarx: z.optional(z.boolean({ error: 'must be true or false' })),
    enable_backups: z.optional(z.boolean({ error: 'must be true or false' })),
    ns1: z.optional(text(1, 253)),
    ns2: z.optional(text(1, 253)),
    public_key: z.optional(z.strictObject({ name: text(1, 128), key: text(1, 16_384) }, { error: 'must be an object with name and key' })),
  },
  { error: 'must be an object with template_id and data_center_id' },
);

export const vpsFields = { item_id: itemId, setup: vpsSetupSchema, payment_method_id: paymentMethodId, coupons };
export const vpsRequestSchema = z.strictObject(vpsFields, { error: 'must be a JSON object' });
export type VpsRequest = z.output<typeof vpsRequestSchema>;

export const VPS_PATH = '/api/vps/v1/virtual-machines';

/**
 * The hostname a VPS purchase is settled by: the caller's, or `vps-<16 hex of sha256(request id)>` when none
 * is given. Unique to the request either way, so a VM with it in the account is this request's VM.
 */
export function vpsHostname(request: VpsRequest, requestId: string): string {
  return (request.setup.hostname ?? `vps-${createHash('sha256').update(`vps-hostname:${requestId}`).digest('hex').slice(0, 16)}`).toLowerCase();
}

/** The body sent to Hostinger: the caller's, with the hostname made explicit. */
export function vpsBody(request: VpsRequest, requestId: string): VpsRequest {
  return { ...request, setup: { ...request.setup, hostname: vpsHostname(request, requestId) } };
}
