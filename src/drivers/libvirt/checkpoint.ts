/** Checkpoints as libvirt snapshots (internal qcow2 snapshots, with memory state when the VM runs). */
import { create } from 'xmlbuilder2';
import { XMLParser } from 'fast-xml-parser';
import { Conflict, InvalidArgument, Unsupported } from '../../core/errors';
import type { CheckpointDriver, CheckpointInfo } from '../types';
import type { LibvirtContext } from './context';

const parser = new XMLParser({ parseTagValue: false, trimValues: true });

export class LibvirtCheckpointDriver implements CheckpointDriver {
  constructor(private readonly ctx: LibvirtContext) {}

  async listCheckpoints(options: { readonly vmId: string }): Promise<readonly CheckpointInfo[]> {
    const names = (await this.ctx.host.virsh(['snapshot-list', `--domain=${options.vmId}`, '--name', '--topological']))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const out: CheckpointInfo[] = [];
    for (const name of names) out.push(await this.info(options.vmId, name));
    return out;
  }

  async createCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<CheckpointInfo> {
    if (options.name.trim().length === 0 || options.name.includes('/'))
      throw new InvalidArgument("checkpoint name must be non-empty and contain no '/'", 'name');
    const existing = await this.listCheckpoints({ vmId: options.vmId });
    if (existing.some((c) => c.name === options.name))
      throw new Conflict(`checkpoint '${options.name}' already exists`, { details: { option: 'name' } });
    const xml = create({ version: '1.0' })
      .ele('domainsnapshot')
      .ele('name')
      .txt(options.name.replace(/&/g, '&amp;'))
      .up()
      .end({ headless: true });
    try {
      await this.ctx.host.virshWithXml(['snapshot-create', `--domain=${options.vmId}`, '--atomic'], '--xmlfile', xml, {
        timeoutMs: 600_000,
      });
    } catch (error) {
      // libvirt 9 keeps UEFI variables outside qcow2, so it takes internal snapshots of a UEFI VM only while it is off.
      if (/pflash based firmware are not supported/i.test((error as Error).message)) {
        throw new Unsupported(
          `libvirt takes a checkpoint of a running generation 2 (UEFI) VM only while it is off: stop the VM, then create checkpoint '${options.name}'`,
          {
            cause: error,
            details: { option: 'name' },
          },
        );
      }
      throw error;
    }
    return this.info(options.vmId, options.name);
  }

  async applyCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<void> {
    await this.ctx.host.virsh(['snapshot-revert', `--domain=${options.vmId}`, `--snapshotname=${options.name}`], {
      timeoutMs: 600_000,
    });
  }

  async removeCheckpoint(options: { readonly vmId: string; readonly name: string }): Promise<void> {
    await this.ctx.host.virsh(['snapshot-delete', `--domain=${options.vmId}`, `--snapshotname=${options.name}`], {
      timeoutMs: 600_000,
    });
  }

  private async info(vmId: string, name: string): Promise<CheckpointInfo> {
    const xml = await this.ctx.host.virsh(['snapshot-dumpxml', `--domain=${vmId}`, `--snapshotname=${name}`]);
    const snap =
      (parser.parse(xml) as { domainsnapshot?: { name?: string; creationTime?: string; parent?: { name?: string } } })
        .domainsnapshot ?? {};
    const created = Number(snap.creationTime ?? '0');
    const parent = snap.parent?.name;
    return {
      id: name,
      name,
      createdAt: new Date(created * 1000).toISOString(),
      ...(parent !== undefined ? { parentId: String(parent) } : {}),
    };
  }
}
