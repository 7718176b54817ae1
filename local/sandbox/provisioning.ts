/**
 * What the sandbox's provisioning purchases make: VMs (VPS.V1.VirtualMachine.*) and registered domains
 * (Domains.V1.Domain.*), with the OS templates and data centres a VM is set up from.
 */

import type { OrderResource } from './billing-account.ts';
import type { CatalogItemResource } from './catalog.ts';

export interface TemplateResource {
  id: number;
  name: string;
  description: string;
  documentation: string | null;
}

export interface DataCenterResource {
  id: number;
  name: string | null;
  location: string | null;
  city: string | null;
  continent: string | null;
}

export interface IpAddressResource {
  id: number;
  address: string;
  ptr: string | null;
}

export interface VirtualMachineResource {
  id: number;
  firewall_group_id: number | null;
  subscription_id: string | null;
  data_center_id: number | null;
  plan: string | null;
  hostname: string;
  state: 'running';
  actions_lock: 'unlocked';
  cpus: number;
  memory: number;
  disk: number;
  bandwidth: number;
  ns1: string | null;
  ns2: string | null;
  ipv4: IpAddressResource[] | null;
  ipv6: IpAddressResource[] | null;
  template: TemplateResource | null;
  created_at: string;
}

export interface DomainResource {
  id: number;
  domain: string | null;
  type: 'domain';
  status: 'active';
  created_at: string;
  expires_at: string | null;
}

export const TEMPLATES: readonly TemplateResource[] = [
  { id: 1130, name: 'Ubuntu 24.04 LTS', description: 'Ubuntu 24.04 LTS', documentation: 'https://docs.ubuntu.com' },
  { id: 1121, name: 'Debian 12', description: 'Debian 12 (Bookworm)', documentation: 'https://www.debian.org/doc/' },
  { id: 1145, name: 'AlmaLinux 9', description: 'AlmaLinux 9', documentation: null },
];

export const DATA_CENTERS: readonly DataCenterResource[] = [
  { id: 19, name: 'phx', location: 'us', city: 'Phoenix', continent: 'North America' },
  { id: 17, name: 'vno', location: 'lt', city: 'Vilnius', continent: 'Europe' },
  { id: 21, name: 'bnk', location: 'sg', city: 'Singapore', continent: 'Asia' },
];

/** Post-install scripts the sandbox account has saved. */
export const POST_INSTALL_SCRIPT_IDS: readonly number[] = [6324];

/** Names registered by someone else: never available (any name starting with `taken` too). */
const REGISTERED_ELSEWHERE = new Set(['google.com', 'hostinger.com', 'example.com']);

export interface VmSetup {
  templateId: number;
  dataCenterId: number;
  hostname: string | undefined;
  ns1: string | undefined;
  ns2: string | undefined;
}

export class ProvisionedResources {
  #vms: VirtualMachineResource[] = [];
  #domains: DomainResource[] = [];
  #nextVmId = 1_017_923;
  #nextDomainId = 13_632;

  /** Sets up the VM a completed VPS order paid for. */
  createVm(order: OrderResource, item: CatalogItemResource, setup: VmSetup): VirtualMachineResource {
    const id = this.#nextVmId++;
    const metadata = (item.metadata ?? {}) as Record<string, number>;
    const host = id % 250;
    const vm: VirtualMachineResource = {
      id,
      firewall_group_id: null,
      subscription_id: order.subscription_id,
      data_center_id: setup.dataCenterId,
      plan: item.name,
      hostname: setup.hostname ?? `srv${id}.hstgr.cloud`,
      state: 'running',
      actions_lock: 'unlocked',
      cpus: metadata.cpus ?? 1,
      memory: metadata.memory ?? 4096,
      disk: metadata.disk_space ?? 51200,
      bandwidth: metadata.bandwidth ?? 4096000,
      ns1: setup.ns1 ?? null,
      ns2: setup.ns2 ?? null,
      // Documentation ranges (RFC 5737, RFC 3849): never a real host.
      ipv4: [{ id: id * 2, address: `203.0.113.${host + 1}`, ptr: null }],
      ipv6: [{ id: id * 2 + 1, address: `2001:db8::${(host + 1).toString(16)}`, ptr: null }],
      template: TEMPLATES.find((template) => template.id === setup.templateId) ?? null,
      created_at: order.created_at,
    };
    this.#vms.push(vm);
    return structuredClone(vm);
  }

  /** Registers the domain a completed domain order paid for, for its first period. */
  registerDomain(domain: string, order: OrderResource, expiresAt: string | null): DomainResource {
    const registered: DomainResource = { id: this.#nextDomainId++, domain, type: 'domain', status: 'active', created_at: order.created_at, expires_at: expiresAt };
    this.#domains.push(registered);
    return structuredClone(registered);
  }

  isAvailable(domain: string): boolean {
    const name = domain.toLowerCase();
    return !REGISTERED_ELSEWHERE.has(name) && !name.startsWith('taken') && !this.#domains.some((registered) => registered.domain === name);
  }

  findDomain(domain: string): DomainResource | undefined {
    return structuredClone(this.#domains.find((registered) => registered.domain === domain.toLowerCase()));
  }

  virtualMachines(): VirtualMachineResource[] {
    return structuredClone(this.#vms);
  }

  domains(): DomainResource[] {
    return structuredClone(this.#domains);
  }
}

/** GET /api/domains/v1/portfolio/{domain}: Domains.V1.Domain.DomainExtendedResource. */
export function domainDetails(domain: DomainResource & { domain: string }) {
  return {
    domain: domain.domain,
    status: domain.status,
    message: null,
    is_privacy_protection_allowed: true,
    is_privacy_protected: false,
    is_lockable: true,
    is_locked: true,
    name_servers: { ns1: 'ns1.dns-parking.com', ns2: 'ns2.dns-parking.com' },
    child_name_servers: [],
    domain_contacts: { admin_id: 114698, owner_id: 614698, billing_id: 154698, tech_id: 524248 },
    created_at: domain.created_at,
    updated_at: domain.created_at,
    '60_days_lock_expires_at': null,
    registered_at: domain.created_at,
    expires_at: domain.expires_at,
  };
}
