/** Checkpoints as XAPI snapshots (disk-only `VM.snapshot`); applying one is `VM.revert`. */
import { Conflict, InvalidArgument, NotFound } from '../../core/errors';
import type { CheckpointDriver, CheckpointInfo } from '../types';
import { type XenContext, isNullRef, vmRef } from './context';
import type { Ref, VMRecord } from './xenapi/types';

const iso = (xapi: string): string => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(xapi);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : xapi;
};

export class XenCheckpointDriver implements CheckpointDriver {
  constructor(private readonly ctx: XenContext) {}

  private async snapshots(vmId: string): Promise<[Ref<'VM'>, VMRecord][]> {
    const ref = await vmRef(this.ctx, vmId);
    const out: [Ref<'VM'>, VMRecord][] = [];
    for (const s of await this.ctx.client.call('VM.get_snapshots', ref))
      out.push([s, await this.ctx.client.call('VM.get_record', s)]);
    return out.sort((a, b) => a[1].snapshot_time.localeCompare(b[1].snapshot_time));
  }

  private info(s: VMRecord, all: readonly [Ref<'VM'>, VMRecord][]): CheckpointInfo {
    const parent = isNullRef(s.parent) ? undefined : all.find(([r]) => r === s.parent)?.[1].uuid;
    return { id: s.uuid, name: s.name_label, createdAt: iso(s.snapshot_time), ...(parent ? { parentId: parent } : {}) };
  }

  async listCheckpoints(options: { readonly vmId: string }): Promise<readonly CheckpointInfo[]> {
    const all = await this.snapshots(options.vmId);
    return all.map(([, s]) => this.info(s, all));
  }

  async createCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<CheckpointInfo> {
    if (options.name.trim() === '') throw new InvalidArgument('checkpoint name must be non-empty', 'name');
    const before = await this.snapshots(options.vmId);
    if (before.some(([, s]) => s.name_label === options.name))
      throw new Conflict(`checkpoint '${options.name}' already exists`, { details: { option: 'name' } });
    const ref = await vmRef(this.ctx, options.vmId);
    await this.ctx.client.callAsync('VM.snapshot', ref, options.name, []);
    const all = await this.snapshots(options.vmId);
    return this.info(all.find(([, s]) => s.name_label === options.name)![1], all);
  }

  private async named(vmId: string, name: string): Promise<Ref<'VM'>> {
    const hit = (await this.snapshots(vmId)).find(([, s]) => s.name_label === name);
    if (!hit) throw new NotFound(`no checkpoint named '${name}'`);
    return hit[0];
  }

  async applyCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<void> {
    await this.ctx.client.callAsync('VM.revert', await this.named(options.vmId, options.name));
  }

  async removeCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<void> {
    const { destroyVm } = await import('./vm');
    await destroyVm(this.ctx, await this.named(options.vmId, options.name), true);
  }
}
