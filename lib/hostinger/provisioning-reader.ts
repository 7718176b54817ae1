import * as z from 'zod/mini';

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

/** Reads of the VPS and domain APIs: settling purchases by their key, and checks before buying. */
export interface ProvisioningReader {
  virtualMachines(token: string): Promise<VirtualMachine[]>;
  portfolio(token: string): Promise<PortfolioDomain[]>;
  templates(token: string): Promise<{ id: number }[]>;
  dataCenters(token: string): Promise<{ id: number }[]>;
  /** POST /api/domains/v1/availability for one domain; rate-limited by Hostinger to 90 requests a minute. */
  isAvailable(token: string, domain: string): Promise<{ available: boolean; restriction?: string }>;
}

/** A VM as an outcome shows it. */
export const vmBought = (vm: VirtualMachine) => ({
  id: vm.id,
  hostname: vm.hostname,
  state: vm.state ?? null,
  ipv4: (vm.ipv4 ?? []).map((ip) => ip.address),
  ipv6: (vm.ipv6 ?? []).map((ip) => ip.address),
  subscriptionId: vm.subscription_id ?? null,
});
