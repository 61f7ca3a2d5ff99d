/**
 * The full record XAPI's VM.create takes (it has no defaults): an HVM guest with UEFI-capable qemu-upstream, one
 * vCPU and the given memory limits. VMs and golden templates start from it and set what differs.
 */
import type { VMCreateArgs } from './xenapi/types';

export interface MemoryLimits {
  readonly staticMin: number;
  readonly staticMax: number;
  readonly dynamicMin: number;
  readonly dynamicMax: number;
}

export function newVmRecord(name: string, l: MemoryLimits): VMCreateArgs & { name_label: string } {
  return {
    name_label: name,
    user_version: 1,
    is_a_template: false,
    affinity: 'OpaqueRef:NULL',
    memory_static_max: l.staticMax,
    memory_dynamic_max: l.dynamicMax,
    memory_dynamic_min: l.dynamicMin,
    memory_static_min: l.staticMin,
    VCPUs_params: {},
    VCPUs_max: 1,
    VCPUs_at_startup: 1,
    actions_after_shutdown: 'destroy',
    actions_after_reboot: 'restart',
    actions_after_crash: 'restart',
    PV_bootloader: '',
    PV_kernel: '',
    PV_ramdisk: '',
    PV_args: '',
    PV_bootloader_args: '',
    PV_legacy_args: '',
    HVM_boot_policy: 'BIOS order',
    HVM_boot_params: { order: 'cn' },
    platform: {
      acpi: '1',
      apic: 'true',
      pae: 'true',
      viridian: 'false',
      nx: 'true',
      'device-model': 'qemu-upstream-uefi',
    },
    PCI_bus: '',
    other_config: {},
    recommendations: '',
    domain_type: 'hvm',
  };
}
