/** Ensure one checkpoint of a VM: present, absent, or applied (reverting the VM to it, which always changes). */
import { NotFound } from '../core/errors';
import type { CheckpointInfo } from '../drivers/types';
import type { CheckpointOptions } from '../generated/checkpoint';
import type { ConnectionOptions } from '../generated/fragment-connection';
import type { Session } from './session';
import { requireVm } from './vm-lookup';

/** The checkpoint module's options (generated from its schema), less the connection. */
export type CheckpointRequest = Omit<CheckpointOptions, keyof ConnectionOptions>;

interface CheckpointView {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
  readonly parent_id?: string;
}

const view = (c: CheckpointInfo): CheckpointView => ({
  id: c.id,
  name: c.name,
  created_at: c.createdAt,
  ...(c.parentId !== undefined && { parent_id: c.parentId }),
});

export async function ensureCheckpoint(session: Session, request: CheckpointRequest) {
  const { hv } = session;
  const vm = await requireVm(hv, request.vm);
  const existing = await hv.checkpoints.listCheckpoints({ vmId: vm.id });
  const before = existing.find((c) => c.name === request.name);
  let after = before;
  const state = request.state ?? 'present';
  if (state === 'absent') {
    if (before) await hv.checkpoints.removeCheckpoint({ vmId: vm.id, name: request.name });
    after = undefined;
  } else if (state === 'applied') {
    if (!before)
      throw new NotFound(`checkpoint '${request.name}' of VM '${request.vm}' does not exist`, {
        details: { option: 'name' },
      });
    await hv.checkpoints.applyCheckpoint({ vmId: vm.id, name: request.name });
  } else if (!before) {
    after = await hv.checkpoints.createCheckpoint({ vmId: vm.id, name: request.name });
  }
  const changes = [...hv.changes];
  const all = await hv.checkpoints.listCheckpoints({ vmId: vm.id });
  return {
    changed: changes.length > 0,
    ...(after && { checkpoint: view(after) }),
    checkpoints: all.map(view),
    changes,
    msg: changes.length ? changes.join('; ') : `checkpoint '${request.name}' of VM '${request.vm}' is already ${state}`,
  };
}
