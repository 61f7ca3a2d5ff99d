/**
 * What modules return about VMs, disks and NICs: snake_case, sizes in the units the options use (GiB, MiB), no
 * driver internals. vm, vm_info, disk, nic and the inventory all present VMs through these functions.
 */
import type { DiskInfo, GuestConfigStatus, NicInfo, VmInfo } from '../drivers/types';
import { isUnsetMac } from '../core/mac';
import { defined } from '../core/objects';

const GiB = 1024 ** 3;

export interface DiskView {
  readonly name: string;
  readonly path: string;
  readonly size_gb: number;
  readonly parent_path?: string;
  readonly owned: boolean;
}

export interface NicView {
  readonly name: string;
  readonly network: string;
  readonly vlan_id?: number;
  /** Empty while a dynamic MAC is not assigned yet (Hyper-V assigns it at the VM's first start). */
  readonly mac: string;
  readonly static_mac: boolean;
  readonly ip_addresses: readonly string[];
}

export interface VmView {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly generation?: number;
  readonly cpu_count: number;
  readonly memory_mb: number;
  readonly dynamic_memory: boolean;
  readonly memory_min_mb?: number;
  readonly memory_max_mb?: number;
  readonly secure_boot?: string;
  readonly tpm?: boolean;
  readonly boot_order?: readonly string[];
  readonly automatic_start_action?: string;
  readonly automatic_stop_action?: string;
  readonly notes?: string;
  readonly tags: readonly string[];
  readonly disks: readonly DiskView[];
  readonly nics: readonly NicView[];
  readonly ip_addresses: readonly string[];
  readonly dvd?: string;
  readonly cluster_role?: boolean;
  readonly guest_config?: { readonly state: string; readonly reason?: string; readonly attempt_id?: string };
}

export const diskView = (d: DiskInfo): DiskView =>
  defined({
    name: d.name,
    path: d.path,
    size_gb: Math.round((d.sizeBytes / GiB) * 100) / 100,
    parent_path: d.parentPath,
    owned: d.owned,
  });

export const nicView = (n: NicInfo): NicView =>
  defined({
    name: n.name,
    network: n.network,
    vlan_id: n.vlanId,
    mac: isUnsetMac(n.mac) ? '' : n.mac,
    static_mac: n.staticMac,
    ip_addresses: [...n.ipAddresses],
  });

export function vmView(vm: VmInfo, guestConfig?: GuestConfigStatus): VmView {
  return defined({
    id: vm.id,
    name: vm.name,
    state: vm.state,
    generation: vm.generation,
    cpu_count: vm.cpuCount,
    memory_mb: vm.memory.startupMb,
    dynamic_memory: vm.memory.dynamic ?? false,
    memory_min_mb: vm.memory.minimumMb,
    memory_max_mb: vm.memory.maximumMb,
    secure_boot: vm.secureBoot,
    tpm: vm.tpm,
    boot_order: vm.bootOrder ? [...vm.bootOrder] : undefined,
    automatic_start_action: vm.automaticStartAction,
    automatic_stop_action: vm.automaticStopAction,
    notes: vm.notes,
    tags: [...vm.tags],
    disks: vm.disks.map(diskView),
    nics: vm.nics.map(nicView),
    ip_addresses: [...vm.ipAddresses],
    dvd: vm.dvd,
    cluster_role: vm.clusterRole,
    // A record another VM left (this disk is a clone of a provisioned one) is not this VM's configuration.
    guest_config: guestConfig
      ? defined({
          state: guestConfig.applied === 'other_vm' ? 'none' : guestConfig.state,
          reason: guestConfig.reason,
          attempt_id: guestConfig.applied === 'other_vm' ? undefined : guestConfig.attemptId,
        })
      : undefined,
  });
}
