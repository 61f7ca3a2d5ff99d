/** Finding the VM a disk, NIC, checkpoint or guest-config module talks about, with one clear error when absent. */
import { NotFound } from '../core/errors';
import type { Hypervisor, VmInfo } from '../drivers/types';

export async function requireVm(hv: Hypervisor, name: string): Promise<VmInfo> {
  const vm = await hv.vms.findVm({ ref: { name } });
  if (!vm) throw new NotFound(`VM '${name}' does not exist on the host`, { details: { option: 'vm' } });
  return vm;
}
