/** Hyper-V VMs: list, find by id or name (collisions detected), create, reconfigure, delete with owned disks. */
import { randomUUID } from 'node:crypto';
import { Conflict, NotFound } from '../../core/errors';
import type { VmChanges, VmDriver, VmInfo, VmRef, VmSpec } from '../types';
import { assertVmId, winJoin, type HyperVSession } from './session';
import { checkDisk, checkMemory, checkNic, checkVmName } from './validate';
import { compactMac } from '../../core/mac';
import { joinNotes, splitNotes, toConfig, toVmInfo, type NotesMeta, type RawVm } from './vm-info';

export class HyperVVmDriver implements VmDriver {
  /**
   * Notes (user text + virtseal metadata line) of each VM as last read or written in this session, by lower-case
   * id: a reconfigure that rewrites tags or notes merges into them without another PowerShell process.
   */
  private readonly notesSeen = new Map<string, string>();

  constructor(private readonly session: HyperVSession) {}

  private seen(raw: RawVm): VmInfo {
    this.notesSeen.set(raw.id.toLowerCase(), raw.notes ?? '');
    return toVmInfo(raw);
  }

  /** Drops what this session knows of a VM's notes (a checkpoint applied brings back older ones). */
  forget(id: string): void {
    this.notesSeen.delete(id.toLowerCase());
  }

  /** The VM's notes as last seen in this session, or read now. */
  private async currentNotes(id: string): Promise<string> {
    const known = this.notesSeen.get(id.toLowerCase());
    if (known !== undefined) return known;
    const current = await this.session.run<{ vms: RawVm[] }>('vm-get', { Id: id });
    if (!current.vms[0]) throw new NotFound(`no VM with id ${id}`);
    this.seen(current.vms[0]);
    return current.vms[0].notes ?? '';
  }

  async listVms(): Promise<readonly VmInfo[]> {
    const result = await this.session.run<{ vms: RawVm[] }>('vm-list', {});
    return result.vms.map((raw) => this.seen(raw));
  }

  async findVm(options: { readonly ref: VmRef }): Promise<VmInfo | undefined> {
    const ref = options.ref;
    const args = 'id' in ref ? { Id: assertVmId(ref.id, 'id') } : { Name: ref.name };
    if ('name' in ref) checkVmName(ref.name);
    const { vms } = await this.session.run<{ vms: RawVm[] }>('vm-get', args);
    if (vms.length > 1) {
      throw new Conflict(
        `${vms.length} VMs are named ${JSON.stringify((ref as { name: string }).name)} (ids ${vms.map((v) => v.id).join(', ')}); refer to the VM by id`,
        {
          details: { ids: vms.map((v) => v.id) },
        },
      );
    }
    return vms[0] ? this.seen(vms[0]) : undefined;
  }

  /** Found VM or NotFound. */
  async getVm(id: string): Promise<VmInfo> {
    const vm = await this.findVm({ ref: { id } });
    if (!vm) throw new NotFound(`no VM with id ${id}`);
    return vm;
  }

  async createVm(options: { readonly spec: VmSpec }): Promise<VmInfo> {
    const spec = options.spec;
    checkVmName(spec.name);
    checkMemory(spec.memory);
    for (const [i, d] of spec.disks.entries()) checkDisk(d, `disks[${i}]`);
    for (const [i, n] of spec.nics.entries()) checkNic(n, `nics[${i}]`);
    const placeholder = randomUUID().replace(/-/g, '');
    const meta: NotesMeta = {
      tags: [...(spec.tags ?? [])],
      disks: Object.fromEntries(
        spec.disks.map((d) => [d.name, { path: d.path ?? diskFileName(d), owned: d.path === undefined }]),
      ),
    };
    const library = this.session.settings.imageLibraryPath;
    const raw = await this.session.run<RawVm>('vm-create', {
      Name: spec.name,
      Placeholder: placeholder,
      Generation: spec.generation,
      Path: spec.path ?? '',
      Config: toConfig({ ...spec, notes: joinNotes(spec.notes ?? '', meta) }),
      Disks: spec.disks.map((d) => ({
        fileName: diskFileName(d),
        sourcePath: d.image ? winJoin(library, imageFile(d.image)) : '',
        clone: d.clone ?? 'differencing',
        sizeBytes: d.sizeBytes ?? 0,
        attachPath: d.path ?? '',
      })),
      Nics: spec.nics.map((n) => ({
        name: n.name,
        switchName: n.network,
        vlanId: n.vlanId ?? 0,
        mac: n.mac ? compactMac(n.mac) : '',
      })),
    });
    return this.seen(raw);
  }

  async reconfigureVm(options: { readonly id: string; readonly changes: VmChanges }): Promise<VmInfo> {
    const id = assertVmId(options.id);
    const c = options.changes;
    if (c.memory !== undefined) checkMemory(c.memory);
    const { notes, tags, ...rest } = c;
    const config = toConfig(rest);
    if (notes !== undefined || tags !== undefined) {
      const split = splitNotes(await this.currentNotes(id));
      config.notes = joinNotes(notes ?? split.text, { ...split.meta, tags: [...(tags ?? split.meta.tags)] });
    }
    return this.seen(await this.session.run<RawVm>('vm-set', { Id: id, Config: config }));
  }

  async deleteVm(options: { readonly id: string; readonly removeOwnedDisks: boolean }): Promise<void> {
    const id = assertVmId(options.id);
    await this.session.run('vm-delete', { Id: id, RemoveOwnedDisks: options.removeOwnedDisks });
    this.forget(id);
  }
}

/** A new disk's file name: a clone keeps its image's format (New-VHD takes the format from the extension, and a
 * differencing child has its parent's format); an empty disk is a VHDX. */
export function diskFileName(d: { readonly name: string; readonly image?: string | undefined }): string {
  return `${d.name}${d.image !== undefined && /\.vhd$/i.test(imageFile(d.image)) ? '.vhd' : '.vhdx'}`;
}

/** Library file of an image name: `<name>.vhdx` unless it already ends in .vhdx/.vhd. */
export function imageFile(name: string): string {
  return /\.vhdx?$/i.test(name) ? name : `${name}.vhdx`;
}
