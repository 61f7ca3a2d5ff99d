/** Check mode for disks: added, removed and grown on the recorded VM. */
import type { Hypervisor, DiskInfo } from '../types';
import { describeDisk, gib } from './describe';
import type { Recorder } from './recorder';

export function disksOverlay(r: Recorder): Hypervisor['disks'] {
  const { inner, act, current, nameOf, patch, diskInfo } = r;
  return {
    addDisk: ({ vmId, disk }) =>
      act(
        async () => `add disk ${describeDisk(disk)} to VM '${await nameOf(vmId)}'`,
        () => inner.disks.addDisk({ vmId, disk }),
        async () => {
          const info = diskInfo(disk);
          await patch(vmId, (vm) => ({ ...vm, disks: [...vm.disks, info] }));
          return info;
        },
      ),
    removeDisk: (o) =>
      act(
        async () =>
          `remove disk '${o.name}' from VM '${await nameOf(o.vmId)}'${o.deleteFile ? ' and delete its file' : ''}`,
        () => inner.disks.removeDisk(o),
        () => patch(o.vmId, (vm) => ({ ...vm, disks: vm.disks.filter((d) => d.name !== o.name) })),
      ),
    resizeDisk: (o) =>
      act(
        async () => `grow disk '${o.name}' of VM '${await nameOf(o.vmId)}' to ${gib(o.sizeBytes)}`,
        () => inner.disks.resizeDisk(o),
        async () => {
          const before = (await current(o.vmId))?.disks.find((d) => d.name === o.name);
          const after: DiskInfo = { ...(before ?? { name: o.name, path: '', owned: true }), sizeBytes: o.sizeBytes };
          await patch(o.vmId, (vm) => ({ ...vm, disks: vm.disks.map((d) => (d.name === o.name ? after : d)) }));
          return after;
        },
      ),
  };
}
