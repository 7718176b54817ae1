import * as z from 'zod/mini';
import { nameOf, tldOf } from '../order/kinds/domain.ts';
import { readJson } from './billing-reads.ts';

/** Hostinger's VPS.V1.VirtualMachine.VirtualMachineResource, as far as settling a VPS purchase relies on it. */
const addressesSchema = z.nullish(z.array(z.looseObject({ address: z.string() })));
export const virtualMachineSchema = z.looseObject({
  id: z.int(),
  hostname: z.string(),
  subscription_id: z.nullish(z.string()),
  state: z.nullish(z.string()),
  ipv4: addressesSchema,
  ipv6: addressesSchema,
});
export type VirtualMachine = z.output<typeof virtualMachineSchema>;

/** Domains.V1.Domain.DomainResource, as far as settling a domain purchase relies on it. */
export const portfolioDomainSchema = z.looseObject({ domain: z.nullish(z.string()), status: z.nullish(z.string()) });
export type PortfolioDomain = z.output<typeof portfolioDomainSchema>;

const idSchema = z.looseObject({ id: z.int() });
const availabilitySchema = z.array(z.looseObject({ domain: z.nullish(z.string()), is_available: z.boolean(), restriction: z.nullish(z.string()) }));

/**
 * The spec gives these lists as plain arrays; a paginated answer (`data` + `meta`, 50 a page, as elsewhere in
 * the API) is read page by page too, so a long list never hides the record that settles a purchase.
 */
const page = <T>(item: z.ZodMiniType<T>) =>
  z.union([z.array(item), z.looseObject({ data: z.array(item), meta: z.optional(z.looseObject({ current_page: z.optional(z.int()), last_page: z.optional(z.int()) })) })]);

const MAX_PAGES = 200;

async function readList<T>(read: (path: string) => Promise<T[] | { data: T[]; meta?: { current_page?: number; last_page?: number } }>, path: string): Promise<T[]> {
  const items: T[] = [];
  for (let number = 1; number <= MAX_PAGES; number++) {
    const answer = await read(number === 1 ? path : `${path}?page=${number}`);
    if (Array.isArray(answer)) return [...items, ...answer];
    items.push(...answer.data);
    const { current_page: current = number, last_page: last = current } = answer.meta ?? {};
    if (current >= last || answer.data.length === 0) return items;
  }
  return items;
}

/** Reads of the VPS and domain APIs: settling purchases by their key, and checks before buying. */
export function createProvisioningReader(options: { baseUrl: string; timeoutMs: number }) {
  const read = <T>(token: string, path: string, schema: z.ZodMiniType<T>, body?: unknown) => readJson({ ...options, path, token, body }, schema);
  return {
    virtualMachines: (token: string) => readList((path) => read(token, path, page(virtualMachineSchema)), '/api/vps/v1/virtual-machines'),
    portfolio: (token: string) => readList((path) => read(token, path, page(portfolioDomainSchema)), '/api/domains/v1/portfolio'),
    templates: (token: string) => read(token, '/api/vps/v1/templates', z.array(idSchema)),
    dataCenters: (token: string) => read(token, '/api/vps/v1/data-centers', z.array(idSchema)),
    /** POST /api/domains/v1/availability for one domain; rate-limited by Hostinger to 90 requests a minute. */
    async isAvailable(token: string, domain: string): Promise<{ available: boolean; restriction?: string }> {
      const answer = await read(token, '/api/domains/v1/availability', availabilitySchema, { domain: nameOf(domain), tlds: [tldOf(domain)], with_alternatives: false });
      const found = answer.find((entry) => entry.domain === domain);
      return { available: found?.is_available === true, ...(found?.restriction ? { restriction: found.restriction } : {}) };
    },
  };
}
export type ProvisioningReader = ReturnType<typeof createProvisioningReader>;

/** A VM as an outcome shows it. */
export const vmBought = (vm: VirtualMachine) => ({
  id: vm.id,
  hostname: vm.hostname,
  state: vm.state ?? null,
  ipv4: (vm.ipv4 ?? []).map((ip) => ip.address),
  ipv6: (vm.ipv6 ?? []).map((ip) => ip.address),
  subscriptionId: vm.subscription_id ?? null,
});
