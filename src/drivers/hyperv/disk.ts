/** VM disks by stable name (the file name in the VM's disk folder): add, remove, grow. One script run each. */
import { NotFound } from '../../core/errors';
import type { Bytes } from '../../core/units';
import type { DiskDriver, DiskInfo, DiskSpec, VmInfo } from '../types';
import { assertVmId, winJoin, type HyperVSession } from './session';
import { checkDisk, checkDiskName } from './validate';
import { toVmInfo, type RawVm } from './vm-info';
import { diskFileName, imageFile, type HyperVVmDriver } from './vm';

export class HyperVDiskDriver implements DiskDriver {
  constructor(
    private readonly session: HyperVSession,
    private readonly vms: HyperVVmDriver,
  ) {}

  async addDisk(options: { readonly vmId: string; readonly disk: DiskSpec }): Promise<DiskInfo> {
    const d = options.disk;
    checkDisk(d, 'disk');
    const raw = await this.session.run<RawVm>('disk-add', {
      Id: assertVmId(options.vmId, 'vmId'),
      Disk: {
        fileName: diskFileName(d),
        sourcePath: d.image ? winJoin(this.session.settings.imageLibraryPath, imageFile(d.image)) : '',
        clone: d.clone ?? 'differencing',
        sizeBytes: d.sizeBytes ?? 0,
        attachPath: d.path ?? '',
      },
    });
    const vm = toVmInfo(raw);
    if (d.path !== undefined) {
      const attached = vm.disks.find((x) => x.path.toLowerCase() === d.path!.toLowerCase());
      if (attached) return attached;
    }
    return pick(vm, d.name);
  }

  async removeDisk(options: {
    readonly vmId: string;
    readonly name: string;
    readonly deleteFile: boolean;
  }): Promise<void> {
    checkDiskName(options.name, 'name');
    const disk = pick(await this.vms.getVm(assertVmId(options.vmId, 'vmId')), options.name);
    await this.session.run('disk-remove', {
      Id: options.vmId,
      Path: disk.path,
      DeleteFile: options.deleteFile && disk.owned,
    });
  }

  async resizeDisk(options: {
    readonly vmId: string;
    readonly name: string;
    readonly sizeBytes: Bytes;
  }): Promise<DiskInfo> {
    checkDiskName(options.name, 'name');
    const disk = pick(await this.vms.getVm(assertVmId(options.vmId, 'vmId')), options.name);
    const raw = await this.session.run<RawVm>('disk-resize', {
      Id: options.vmId,
      Path: disk.path,
      SizeBytes: options.sizeBytes,
    });
    return pick(toVmInfo(raw), options.name);
  }
}

function pick(vm: VmInfo, name: string): DiskInfo {
  const disk = vm.disks.find((d) => d.name === name);
  if (!disk) throw new NotFound(`VM ${vm.name} has no disk named ${name}`);
  return disk;
}
