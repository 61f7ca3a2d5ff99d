/** nic-add, nic-set, nic-remove. */
import { getVm, obj, SimScriptError, stop, str, vmInfo, type Handler } from './context';
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
    // Set-VsNic order: switch, VLAN, then MAC, which Hyper-V changes (static <-> dynamic, or another address) only
    // with the VM off; the switch and VLAN changes before it stay applied, as on the real host.
    adapter.switchName = switchName;
    adapter.vlanId = Number(nic.vlanId ?? 0);
    const mac = str(nic, 'mac').toUpperCase();
    const macChanges = mac === '' ? adapter.staticMac : !adapter.staticMac || adapter.mac.toUpperCase() !== mac;
    if (macChanges && vm.state !== 'Off') {
      throw new SimScriptError(
        `Failed to modify device 'Network Adapter'. '${vm.name}' failed to modify device 'Network Adapter'. The operation cannot be performed while the virtual machine is in its current state.`,
      );
    }
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
