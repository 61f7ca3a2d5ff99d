/** Read one VM or all VMs of a host (optionally those carrying all of some tags). */
import type { Hypervisor, VmInfo } from '../drivers/types';
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
  const views: VmView[] = [...vms].sort((a, b) => a.name.localeCompare(b.name)).map((vm) => vmView(vm));
  return { vms: views };
}
