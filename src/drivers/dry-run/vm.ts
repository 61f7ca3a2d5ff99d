/** Check mode for VMs: a created VM gets a dry-run id and is visible to later reads; a deleted one disappears. */
import type { Hypervisor, VmInfo } from '../types';
import { describeVmSpec, describeVmChanges } from './describe';
import type { Recorder } from './recorder';

export function vmsOverlay(r: Recorder): Hypervisor['vms'] {
  const { inner, act, current, nameOf, patch, nicInfo, diskInfo, nextId, vmsById, deleted } = r;
  return {
    async listVms() {
      const listed = (await inner.vms.listVms()).filter((vm) => !deleted.has(vm.id));
      const extra = [...vmsById.values()].filter((vm) => !deleted.has(vm.id) && !listed.some((l) => l.id === vm.id));
      return [...listed.map((vm) => vmsById.get(vm.id) ?? vm), ...extra];
    },
    async findVm({ ref }) {
      if ('id' in ref) return current(ref.id);
      for (const vm of vmsById.values()) if (vm.name === ref.name && !deleted.has(vm.id)) return vm;
      const found = await inner.vms.findVm({ ref });
      return found && !deleted.has(found.id) ? (vmsById.get(found.id) ?? found) : undefined;
    },
    createVm: ({ spec }) =>
      act(
        describeVmSpec(spec),
        () => inner.vms.createVm({ spec }),
        async () => {
          const vm: VmInfo = {
            id: nextId('vm'),
            name: spec.name,
            state: 'off',
            generation: spec.generation,
            cpuCount: spec.cpuCount,
            memory: spec.memory,
            secureBoot: spec.secureBoot,
            tpm: spec.tpm,
            bootOrder: spec.bootOrder,
            automaticStartAction: spec.automaticStartAction,
            automaticStopAction: spec.automaticStopAction,
            notes: spec.notes,
            tags: spec.tags ?? [],
            disks: spec.disks.map(diskInfo),
            nics: spec.nics.map((n) => nicInfo(n)),
            ipAddresses: [],
          };
          vmsById.set(vm.id, vm);
          return vm;
        },
      ),
    reconfigureVm: ({ id, changes: wanted }) =>
      act(
        async () => `reconfigure VM '${await nameOf(id)}': ${describeVmChanges(wanted)}`,
        () => inner.vms.reconfigureVm({ id, changes: wanted }),
        async () => {
          const set = Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== undefined));
          await patch(id, (vm) => ({ ...vm, ...set }));
          const vm = await current(id);
          if (!vm) throw new Error(`dry run: VM ${id} is gone`);
          return vm;
        },
      ),
    deleteVm: ({ id, removeOwnedDisks }) =>
      act(
        async () => {
          const vm = await current(id);
          const owned = vm?.disks.filter((d) => d.owned).length ?? 0;
          return `delete VM '${vm?.name ?? id}'${removeOwnedDisks && owned ? ` and its ${owned} owned disk(s)` : ''}`;
        },
        () => inner.vms.deleteVm({ id, removeOwnedDisks }),
        async () => {
          deleted.add(id);
        },
      ),
  };
}
