/** Check mode for NICs: added, removed and set on the recorded VM, keeping a MAC the host already gave. */
import type { Hypervisor } from '../types';
import { describeNic } from './describe';
import type { Recorder } from './recorder';

export function nicsOverlay(r: Recorder): Hypervisor['nics'] {
  const { inner, act, current, nameOf, patch, nicInfo } = r;
  return {
    addNic: ({ vmId, nic }) =>
      act(
        async () => `add NIC ${describeNic(nic)} to VM '${await nameOf(vmId)}'`,
        () => inner.nics.addNic({ vmId, nic }),
        async () => {
          const info = nicInfo(nic);
          await patch(vmId, (vm) => ({ ...vm, nics: [...vm.nics, info] }));
          return info;
        },
      ),
    removeNic: (o) =>
      act(
        async () => `remove NIC '${o.name}' from VM '${await nameOf(o.vmId)}'`,
        () => inner.nics.removeNic(o),
        () => patch(o.vmId, (vm) => ({ ...vm, nics: vm.nics.filter((n) => n.name !== o.name) })),
      ),
    setNic: ({ vmId, nic }) =>
      act(
        async () => `set NIC ${describeNic(nic)} of VM '${await nameOf(vmId)}'`,
        () => inner.nics.setNic({ vmId, nic }),
        async () => {
          const previous = (await current(vmId))?.nics.find((n) => n.name === nic.name);
          const info = nicInfo(nic, previous);
          await patch(vmId, (vm) => ({ ...vm, nics: vm.nics.map((n) => (n.name === nic.name ? info : n)) }));
          return info;
        },
      ),
  };
}
