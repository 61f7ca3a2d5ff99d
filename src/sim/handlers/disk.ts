/** disk-add, disk-remove, disk-resize. */
import { rmSync } from 'node:fs';
import { winJoin } from '../files';
import { getVm, num, obj, stop, str, vmInfo, type Handler } from './context';
import { newDisk } from './vm';

export const diskHandlers: Record<string, Handler> = {
  'disk-add': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    newDisk(ctx, vm, obj(args, 'Disk'), winJoin(vm.path, 'Virtual Hard Disks'));
    return vmInfo(ctx, vm);
  },
  'disk-remove': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const path = str(args, 'Path');
    const index = vm.disks.findIndex((d) => d.path === path);
    if (index < 0) stop('not_found', `VM has no disk ${path}`);
    const deleteFile = Boolean(args.DeleteFile);
    if (deleteFile) {
      const user = ctx.registry.diskUser(path, vm.id);
      if (user) stop('conflict', `disk ${path} is used by VM ${user.name}; not deleting`);
    }
    vm.disks.splice(index, 1);
    let deleted = false;
    if (deleteFile && ctx.files.exists(path)) {
      rmSync(ctx.files.local(path), { force: true });
      ctx.registry.vhds.delete(path.toLowerCase());
      deleted = true;
    }
    return { deleted };
  },
  'disk-resize': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const path = str(args, 'Path');
    if (!vm.disks.some((d) => d.path === path)) stop('not_found', `VM has no disk ${path}`);
    const vhd = ctx.registry.vhds.get(path.toLowerCase());
    if (!vhd) stop('not_found', `Get-VHD: ${path} is not a virtual disk`);
    const size = num(args, 'SizeBytes');
    if (size < vhd.sizeBytes) stop('conflict', `disk is ${vhd.sizeBytes} bytes; shrinking to ${size} is refused`);
    vhd.sizeBytes = size;
    return vmInfo(ctx, vm);
  },
};
