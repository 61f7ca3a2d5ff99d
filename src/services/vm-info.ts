/** Read one VM or all VMs of a host (optionally those carrying all of some tags), with the guest config outcome. */
import type { GuestConfigStatus, Hypervisor, VmInfo } from '../drivers/types';
import { vmView, type VmView } from './vm-view';

export interface VmInfoRequest {
  readonly name?: string;
  readonly tags?: readonly string[];
  /** Reads the outcome of the last sealed exchange from the guest channel; absent = not reported. */
  readonly guestStatus?: (hv: Hypervisor, vm: VmInfo) => Promise<GuestConfigStatus | undefined>;
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
  for (const vm of [...vms].sort((a, b) => a.name.localeCompare(b.name))) {
    const status = request.guestStatus ? await request.guestStatus(hv, vm) : undefined;
    views.push(vmView(vm, status));
  }
  return { vms: views };
}
