/**
 * Dynamic inventory of the VMs on configured hypervisor hosts, in the JSON shape `ansible-inventory` (and AWX)
 * expect from a script: groups per hypervisor host, power state and tag, and host vars under `_meta`.
 */
import type { VmInfo } from '../drivers/types';
import { OWNER_TAG_PREFIX, ownerOf } from '../services/vm-owner';

export interface HostVms {
  /** The hypervisor host as configured (name or address). */
  readonly host: string;
  readonly hypervisor: string;
  readonly vms: readonly VmInfo[];
}

export interface InventoryJson {
  readonly _meta: { readonly hostvars: Record<string, Record<string, unknown>> };
  readonly [group: string]: unknown;
}

/** Group names are identifiers for ansible: letters, digits and underscores. */
export function groupName(prefix: string, value: string): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${prefix}_${cleaned || 'unnamed'}`;
}

const usable = (a: string): boolean => !/^(fe80:|169\.254\.|127\.|::1$)/i.test(a);
const isIpv4 = (a: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(a);

/** The address ansible should connect to: the first usable IPv4, else the first usable address. */
export function connectAddress(addresses: readonly string[]): string | undefined {
  const good = addresses.map((a) => a.replace(/\/\d+$/, '')).filter(usable);
  return good.find(isIpv4) ?? good[0];
}

export function buildInventory(hosts: readonly HostVms[]): InventoryJson {
  const groups = new Map<string, Set<string>>();
  const hostvars: Record<string, Record<string, unknown>> = {};
  const add = (group: string, name: string): void => {
    if (!groups.has(group)) groups.set(group, new Set());
    groups.get(group)!.add(name);
  };
  const names = new Map<string, number>();
  for (const { vms } of hosts) for (const vm of vms) names.set(vm.name, (names.get(vm.name) ?? 0) + 1);

  for (const { host, hypervisor, vms } of hosts) {
    for (const vm of vms) {
      // Two hosts may hold VMs of the same name: qualify those with their host so neither hides the other.
      const name = (names.get(vm.name) ?? 0) > 1 ? `${vm.name}@${host}` : vm.name;
      const address = connectAddress(vm.ipAddresses);
      // The ownership tag (services/vm-owner.ts) is an identity, not a grouping: shown as virtseal_owner.
      const tags = vm.tags.filter((t) => !t.startsWith(OWNER_TAG_PREFIX));
      const owner = ownerOf(vm);
      hostvars[name] = {
        ...(address !== undefined && { ansible_host: address }),
        virtseal_vm_name: vm.name,
        virtseal_vm_id: vm.id,
        virtseal_hypervisor_host: host,
        virtseal_hypervisor: hypervisor,
        virtseal_power_state: vm.state,
        virtseal_cpu_count: vm.cpuCount,
        virtseal_memory_mb: vm.memory.startupMb,
        virtseal_tags: tags,
        ...(owner !== undefined && { virtseal_owner: owner }),
        virtseal_ip_addresses: [...vm.ipAddresses],
      };
      add('virtseal', name);
      add(groupName('host', host), name);
      add(groupName('power', vm.state), name);
      for (const tag of tags) add(groupName('tag', tag), name);
    }
  }
  const out: Record<string, unknown> = { _meta: { hostvars } };
  const sorted = [...groups.keys()].sort();
  for (const group of sorted) out[group] = { hosts: [...groups.get(group)!].sort() };
  out.all = { children: ['ungrouped', ...sorted] };
  return out as InventoryJson;
}
