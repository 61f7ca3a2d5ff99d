/** Disks as VDIs attached through VBDs; a disk's name is kept in its VBD's other_config. */
import { Conflict, InvalidArgument, NotFound } from '../../core/errors';
import type { Bytes } from '../../core/units';
import type { DiskDriver, DiskInfo, DiskSpec } from '../types';
import { type XenContext, NAME_KEY, OWNER_KEY, diskInfoOf, readParts, vmRef } from './context';
import { attachDisk } from './vm';

export class XenDiskDriver implements DiskDriver {
  constructor(private readonly ctx: XenContext) {}

  private async find(vmId: string, name: string) {
    const p = await readParts(this.ctx, await vmRef(this.ctx, vmId));
    const hit = p.vbds.find(
      ([, b, vdi]) => b.type === 'Disk' && vdi && (b.other_config[NAME_KEY] ?? `disk${b.userdevice}`) === name,
    );
    if (!hit) throw new NotFound(`VM ${p.vm.name_label} has no disk named '${name}'`);
    return { p, hit };
  }

  async addDisk(options: { readonly vmId: string; readonly disk: DiskSpec }): Promise<DiskInfo> {
    const ref = await vmRef(this.ctx, options.vmId);
    const p = await readParts(this.ctx, ref);
    if (p.vbds.some(([, b]) => b.other_config[NAME_KEY] === options.disk.name))
      throw new Conflict(`VM ${p.vm.name_label} already has a disk named '${options.disk.name}'`);
    await attachDisk(this.ctx, ref, p.vm.uuid, options.disk, 'disk');
    const { p: after, hit } = await this.find(options.vmId, options.disk.name);
    return diskInfoOf(after.vm, hit[1], hit[2]!);
  }

  async removeDisk(options: {
    readonly vmId: string;
    readonly name: string;
    readonly deleteFile: boolean;
  }): Promise<void> {
    const c = this.ctx.client;
    const { p, hit } = await this.find(options.vmId, options.name);
    const [vbd, b, vdi, vdiRef] = hit;
    if (b.currently_attached) await c.callAsync('VBD.unplug', vbd);
    await c.call('VBD.destroy', vbd);
    if (options.deleteFile && vdi!.other_config[OWNER_KEY] === p.vm.uuid) await c.call('VDI.destroy', vdiRef);
  }

  async resizeDisk(options: {
    readonly vmId: string;
    readonly name: string;
    readonly sizeBytes: Bytes;
  }): Promise<DiskInfo> {
    const { p, hit } = await this.find(options.vmId, options.name);
    const vdi = hit[2]!;
    if (options.sizeBytes < vdi.virtual_size)
      throw new InvalidArgument(`disk '${options.name}' is ${vdi.virtual_size} bytes; disks only grow`, 'size');
    if (options.sizeBytes > vdi.virtual_size) {
      await this.ctx.client.call(
        p.vm.power_state === 'Running' ? 'VDI.resize_online' : 'VDI.resize',
        hit[3],
        options.sizeBytes,
      );
    }
    const { p: after, hit: again } = await this.find(options.vmId, options.name);
    return diskInfoOf(after.vm, again[1], again[2]!);
  }
}
