/** Checkpoints (Hyper-V snapshots) by name. */
import { InvalidArgument } from '../../core/errors';
import type { CheckpointDriver, CheckpointInfo } from '../types';
import { assertVmId, type HyperVSession } from './session';
import type { HyperVVmDriver } from './vm';

interface RawCheckpoint {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly parentId: string;
}

function toInfo(raw: RawCheckpoint): CheckpointInfo {
  return { id: raw.id, name: raw.name, createdAt: raw.createdAt, ...(raw.parentId ? { parentId: raw.parentId } : {}) };
}

function checkName(name: string): void {
  if (!name || [...name].length > 100) throw new InvalidArgument('checkpoint name must be 1-100 characters', 'name');
}

export class HyperVCheckpointDriver implements CheckpointDriver {
  constructor(
    private readonly session: HyperVSession,
    private readonly vms: HyperVVmDriver,
  ) {}

  async listCheckpoints(options: { readonly vmId: string }): Promise<readonly CheckpointInfo[]> {
    const r = await this.session.run<{ checkpoints: RawCheckpoint[] }>('checkpoint-list', {
      Id: assertVmId(options.vmId, 'vmId'),
    });
    return r.checkpoints.map(toInfo);
  }

  async createCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<CheckpointInfo> {
    checkName(options.name);
    return toInfo(
      await this.session.run<RawCheckpoint>('checkpoint-create', {
        Id: assertVmId(options.vmId, 'vmId'),
        Name: options.name,
      }),
    );
  }

  async applyCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<void> {
    checkName(options.name);
    const id = assertVmId(options.vmId, 'vmId');
    await this.session.run('checkpoint-apply', { Id: id, Name: options.name });
    this.vms.forget(id);
  }

  async removeCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<void> {
    checkName(options.name);
    await this.session.run('checkpoint-remove', { Id: assertVmId(options.vmId, 'vmId'), Name: options.name });
  }
}
