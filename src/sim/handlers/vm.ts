/** vm-list, vm-get, vm-create, vm-set, vm-delete. */
import { rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { UNSET_MAC, type SimVm } from '../registry';
import { winJoin } from '../files';
import { getVm, list, num, obj, SimScriptError, stop, str, vmInfo, type Args, type Handler, type SimContext } from './context';

/** Settings Hyper-V only changes while the VM is off. */
const OFF_ONLY = ['cpuCount', 'secureBoot', 'tpm'] as const;

export function applyConfig(ctx: SimContext, vm: SimVm, config: Record<string, unknown>): void {
  if (vm.state !== 'Off') {
    const blocked = OFF_ONLY.filter((k) => k in config);
    const m = config.memory as Record<string, unknown> | undefined;
    if (m && (Boolean(m.dynamic) !== vm.memory.dynamic || (!m.dynamic && Number(m.startupBytes) !== vm.memory.startupBytes))) blocked.push('memory' as never);
    if (blocked.length > 0) {
      throw new SimScriptError(`'${vm.name}' failed to modify device '${blocked.join(', ')}'. The operation cannot be performed while the virtual machine is in its current state.`);
    }
  }
  if ('cpuCount' in config) vm.cpuCount = Number(config.cpuCount);
  if ('memory' in config) {
    const m = config.memory as Record<string, unknown>;
    const dynamic = Boolean(m.dynamic);
    vm.memory = {
      startupBytes: Number(m.startupBytes),
      dynamic,
      minimumBytes: dynamic ? Number(m.minimumBytes) : vm.memory.minimumBytes,
      maximumBytes: dynamic ? Number(m.maximumBytes) : vm.memory.maximumBytes,
      bufferPercent: dynamic ? Number(m.bufferPercent) : vm.memory.bufferPercent,
    };
    if (dynamic && vm.memory.minimumBytes > vm.memory.startupBytes) stop('invalid_argument', 'minimum memory exceeds startup memory');
  }
  if ('secureBoot' in config && vm.generation === 2) {
    const s = String(config.secureBoot);
    vm.secureBoot = s === 'off' ? 'off' : 'on';
    if (s !== 'off' && s !== 'on') vm.secureBootTemplate = s;
  }
  if ('tpm' in config && vm.generation === 2) vm.tpm = Boolean(config.tpm);
  if ('bootOrder' in config) {
    const wanted = (config.bootOrder as string[]).map(String);
    vm.bootOrder = [...wanted, ...vm.bootOrder.filter((k) => !wanted.includes(k))];
  }
  if ('automaticStartAction' in config) vm.automaticStartAction = String(config.automaticStartAction);
  if ('automaticStopAction' in config) vm.automaticStopAction = String(config.automaticStopAction);
  if ('notes' in config) vm.notes = String(config.notes);
  void ctx;
}

/** New-VsDisk: differencing/copy of an image, new empty disk, or attach. Returns the path. */
export function newDisk(ctx: SimContext, vm: SimVm, disk: Record<string, unknown>, folder: string): string {
  const attach = str(disk, 'attachPath');
  if (attach !== '') {
    if (!ctx.files.exists(attach)) stop('not_found', `disk ${attach} does not exist`);
    if (!ctx.registry.vhds.has(attach.toLowerCase())) ctx.registry.vhds.set(attach.toLowerCase(), { path: attach, sizeBytes: ctx.files.size(attach), parentPath: '' });
    vm.disks.push({ path: attach, controllerType: 'SCSI', controllerNumber: 0, controllerLocation: vm.disks.length });
    return attach;
  }
  const target = winJoin(folder, str(disk, 'fileName'));
  if (ctx.files.exists(target)) stop('conflict', `disk file ${target} already exists`);
  const local = ctx.files.ensureParent(target);
  const source = str(disk, 'sourcePath');
  let size = num(disk, 'sizeBytes');
  let parent = '';
  if (source !== '') {
    if (!ctx.files.exists(source)) stop('not_found', `image ${source} is not published on this host`);
    const sourceSize = ctx.registry.vhds.get(source.toLowerCase())?.sizeBytes ?? ctx.files.size(source);
    if (str(disk, 'clone') === 'copy') copyFileSync(ctx.files.local(source), local);
    else {
      writeFileSync(local, `differencing disk; parent ${source}\n`);
      parent = source;
    }
    size = Math.max(size, sourceSize);
  } else {
    writeFileSync(local, 'dynamic disk\n');
  }
  ctx.registry.vhds.set(target.toLowerCase(), { path: target, sizeBytes: size, parentPath: parent });
  vm.disks.push({ path: target, controllerType: vm.generation === 2 ? 'SCSI' : 'IDE', controllerNumber: 0, controllerLocation: vm.disks.length });
  return target;
}

/** A dynamic adapter gets its MAC from the pool only when the VM runs: at once when hot-added, else at first start. */
export function addNic(ctx: SimContext, vm: SimVm, nic: Record<string, unknown>): void {
  const switchName = str(nic, 'switchName');
  if (!ctx.registry.switches.some((s) => s.name === switchName)) stop('not_found', `no virtual switch named ${switchName}`);
  const mac = str(nic, 'mac');
  const dynamic = vm.state === 'Running' ? ctx.registry.nextMac() : UNSET_MAC;
  vm.nics.push({ name: str(nic, 'name'), switchName, vlanId: num(nic, 'vlanId'), mac: mac || dynamic, staticMac: mac !== '' });
}

const create: Handler = (ctx, args: Args) => {
  const name = str(args, 'Name');
  const placeholder = str(args, 'Placeholder');
  if (!/^[0-9a-f]{32}$/.test(placeholder)) stop('invalid_argument', 'Placeholder must be 32 hex digits');
  if (ctx.registry.vmsNamed(name).length > 0) stop('conflict', `a VM named ${name} already exists`);
  const root = str(args, 'Path') || ctx.registry.host.virtualMachinePath;
  const config = obj(args, 'Config');
  const vm = ctx.registry.newVm({ name: placeholder, generation: num(args, 'Generation') === 1 ? 1 : 2, path: winJoin(root, placeholder) });
  const created: string[] = [];
  try {
    const memory = config.memory as Record<string, unknown> | undefined;
    if (memory) vm.memory.startupBytes = Number(memory.startupBytes);
    const folder = winJoin(vm.path, 'Virtual Hard Disks');
    for (const disk of list(args, 'Disks')) {
      const path = newDisk(ctx, vm, disk, folder);
      if (str(disk, 'attachPath') === '') created.push(path);
    }
    for (const nic of list(args, 'Nics')) addNic(ctx, vm, nic);
    applyConfig(ctx, vm, config);
    vm.kvpIntegration = true;
    vm.name = name;
  } catch (error) {
    ctx.registry.vms.delete(vm.id);
    for (const path of created) {
      rmSync(ctx.files.local(path), { force: true });
      ctx.registry.vhds.delete(path.toLowerCase());
    }
    throw error;
  }
  return vmInfo(ctx, vm);
};

const remove: Handler = (ctx, args) => {
  const vm = getVm(ctx, str(args, 'Id'));
  const ownFolder = `${winJoin(vm.path, 'Virtual Hard Disks')}\\`.toLowerCase();
  const owned = args.RemoveOwnedDisks ? vm.disks.map((d) => d.path).filter((p) => p.toLowerCase().startsWith(ownFolder)) : [];
  for (const disk of owned) {
    const user = ctx.registry.diskUser(disk, vm.id);
    if (user) stop('conflict', `disk ${disk} is used by VM ${user.name}; not deleting`);
  }
  ctx.guests.halt(vm);
  ctx.registry.vms.delete(vm.id);
  const removed: string[] = [];
  for (const disk of owned) {
    if (ctx.files.exists(disk)) {
      rmSync(ctx.files.local(disk), { force: true });
      removed.push(disk);
    }
    ctx.registry.vhds.delete(disk.toLowerCase());
  }
  return { removedDisks: removed };
};

export const vmHandlers: Record<string, Handler> = {
  'vm-list': (ctx) => ({ vms: [...ctx.registry.vms.values()].map((vm) => vmInfo(ctx, vm)) }),
  'vm-get': (ctx, args) => {
    const id = str(args, 'Id');
    const matched = id !== '' ? [ctx.registry.vm(id)].filter((v): v is SimVm => v !== undefined) : ctx.registry.vmsNamed(str(args, 'Name'));
    return { vms: matched.map((vm) => vmInfo(ctx, vm)) };
  },
  'vm-create': create,
  'vm-set': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    applyConfig(ctx, vm, obj(args, 'Config'));
    return vmInfo(ctx, vm);
  },
  'vm-delete': remove,
};
