/** Read one VM or all VMs of a host (optionally those carrying all of some tags), with the guest's config status. */
import type { GuestConfigStatus, Hypervisor, VmInfo } from '../drivers/types';
import { readGuestConfigStatus } from '../seal/guest-status';
import { vmView, type VmView } from './vm-view';

export interface VmInfoRequest {
  readonly name?: string;
  readonly tags?: readonly string[];
}

export async function readVms(hv: Hypervisor, request: VmInfoRequest): Promise<{ readonly vms: readonly VmView[] }> {
  let vms: readonly VmInfo[];
  if (request.name !== undefined) {
    const vm = await hv.vms.findVm({ ref: { name: request.name } });
    vms = vm ? [vm] : [];
  } else {
    vms = await hv.vms.listVms();
  }
  const tags = request.tags ?? [];
  vms = vms.filter((vm) => tags.every((t) => vm.tags.includes(t)));
  const views: VmView[] = [];
  for (const vm of [...vms].sort((a, b) => a.name.localeCompare(b.name)))
    views.push(vmView(vm, await guestStatus(hv, vm)));
  return { vms: views };
}

/** Informational only: a guest channel that cannot be read (VM off, no integration services) leaves it out. */
async function guestStatus(hv: Hypervisor, vm: VmInfo): Promise<GuestConfigStatus | undefined> {
  try {
    return await readGuestConfigStatus(hv.guestChannel({ vmId: vm.id }), { vmId: vm.id });
  } catch {
    return undefined;
  }
}
