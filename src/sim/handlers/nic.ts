/** nic-add, nic-set, nic-remove. */
import { getVm, obj, stop, str, vmInfo, type Handler } from './context';
import { addNic } from './vm';

export const nicHandlers: Record<string, Handler> = {
  'nic-add': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const nic = obj(args, 'Nic');
    if (vm.nics.some((n) => n.name === str(nic, 'name'))) stop('conflict', `VM already has an adapter named ${str(nic, 'name')}`);
    addNic(ctx, vm, nic);
    return vmInfo(ctx, vm);
  },
  'nic-set': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const nic = obj(args, 'Nic');
    const adapter = vm.nics.find((n) => n.name === str(nic, 'name'));
    if (!adapter) stop('not_found', `VM has no adapter named ${str(nic, 'name')}`);
    const switchName = str(nic, 'switchName');
    if (!ctx.registry.switches.some((s) => s.name === switchName)) stop('not_found', `no virtual switch named ${switchName}`);
    adapter.switchName = switchName;
    adapter.vlanId = Number(nic.vlanId ?? 0);
    const mac = str(nic, 'mac');
    adapter.staticMac = mac !== '';
    if (mac !== '') adapter.mac = mac;
    return vmInfo(ctx, vm);
  },
  'nic-remove': (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const index = vm.nics.findIndex((n) => n.name === str(args, 'Name'));
    if (index < 0) stop('not_found', `VM has no adapter named ${str(args, 'Name')}`);
    vm.nics.splice(index, 1);
    return { removed: str(args, 'Name') };
  },
};
