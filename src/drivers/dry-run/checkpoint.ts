/** Check mode for checkpoints: a dry run keeps its own list per VM, seeded from the host's. */
import type { Hypervisor, CheckpointInfo } from '../types';
import type { Recorder } from './recorder';

export function checkpointsOverlay(r: Recorder): Hypervisor['checkpoints'] {
  const { inner, act, nameOf, nextId, simulatedOnly, checkpointLists } = r;
  const listCheckpoints = async (vmId: string): Promise<readonly CheckpointInfo[]> =>
    checkpointLists.get(vmId) ?? (simulatedOnly(vmId) ? [] : inner.checkpoints.listCheckpoints({ vmId }));
  return {
    listCheckpoints: ({ vmId }) => listCheckpoints(vmId),
    createCheckpoint: (o) =>
      act(
        async () => `create checkpoint '${o.name}' of VM '${await nameOf(o.vmId)}'`,
        () => inner.checkpoints.createCheckpoint(o),
        async () => {
          const info: CheckpointInfo = { id: nextId('checkpoint'), name: o.name, createdAt: new Date().toISOString() };
          checkpointLists.set(o.vmId, [...(await listCheckpoints(o.vmId)), info]);
          return info;
        },
      ),
    applyCheckpoint: (o) =>
      act(
        async () => `apply checkpoint '${o.name}' to VM '${await nameOf(o.vmId)}'`,
        () => inner.checkpoints.applyCheckpoint(o),
        async () => undefined,
      ),
    removeCheckpoint: (o) =>
      act(
        async () => `remove checkpoint '${o.name}' of VM '${await nameOf(o.vmId)}'`,
        () => inner.checkpoints.removeCheckpoint(o),
        async () => {
          checkpointLists.set(
            o.vmId,
            (await listCheckpoints(o.vmId)).filter((c) => c.name !== o.name),
          );
        },
      ),
  };
}
