import * as z from 'zod/mini';
import { nameOf, tldOf } from '../order/kinds/domain.ts';
import { readJson } from './billing-reads.ts';
import { type ProvisioningReader, portfolioDomainSchema, virtualMachineSchema } from './provisioning-reader.ts';

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

/** The VPS and domain reads over HTTP. */
export function createProvisioningReader(options: { baseUrl: string; timeoutMs: number }): ProvisioningReader {
  const read = <T>(token: string, path: string, schema: z.ZodMiniType<T>, body?: unknown) => readJson({ ...options, path, token, body }, schema);
  return {
    virtualMachines: (token) => readList((path) => read(token, path, page(virtualMachineSchema)), '/api/vps/v1/virtual-machines'),
    portfolio: (token) => readList((path) => read(token, path, page(portfolioDomainSchema)), '/api/domains/v1/portfolio'),
    templates: (token) => read(token, '/api/vps/v1/templates', z.array(idSchema)),
    dataCenters: (token) => read(token, '/api/vps/v1/data-centers', z.array(idSchema)),
    async isAvailable(token, domain) {
      const answer = await read(token, '/api/domains/v1/availability', availabilitySchema, { domain: nameOf(domain), tlds: [tldOf(domain)], with_alternatives: false });
      const found = answer.find((entry) => entry.domain === domain);
      return { available: found?.is_available === true, ...(found?.restriction ? { restriction: found.restriction } : {}) };
    },
  };
}
