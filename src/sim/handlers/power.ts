/** power-set: start, graceful shutdown (simulated guest time on the injected clock), turn off, restart, save. */
import { UNSET_MAC, type SimVm } from '../registry';
import { getVm, num, stop, str, type Handler, type SimContext } from './context';

function boot(ctx: SimContext, vm: SimVm): void {
  if (vm.state === 'Running') return;
  vm.state = 'Running';
  // Hyper-V assigns a dynamic adapter's MAC from the host's pool at the VM's first start, and keeps it after.
  for (const nic of vm.nics) if (!nic.staticMac && nic.mac === UNSET_MAC) nic.mac = ctx.registry.nextMac();
  const nic = vm.nics[0];
  const sw = nic ? ctx.registry.switches.find((s) => s.name === nic.switchName) : undefined;
  if (sw) {
    const index = [...ctx.registry.vms.keys()].indexOf(vm.id) + 10;
    vm.intrinsic.set('NetworkAddressIPv4', `${sw.subnet}.${index}`);
  }
  vm.intrinsic.set('OSName', vm.guest === 'linux-agent' ? 'Linux' : 'Simulated OS');
  ctx.guests.boot(vm);
}

function halt(ctx: SimContext, vm: SimVm, state: SimVm['state'] = 'Off'): void {
  ctx.guests.halt(vm);
  vm.state = state;
  vm.intrinsic.delete('NetworkAddressIPv4');
}

async function shutdown(ctx: SimContext, vm: SimVm, timeoutSeconds: number, force: boolean): Promise<boolean> {
  if (vm.state === 'Off') return false;
  const cooperative = vm.guest !== 'unresponsive' && vm.kvpIntegration && vm.state === 'Running';
  if (cooperative && ctx.timings.guestShutdownMs <= timeoutSeconds * 1000) {
    await ctx.jobs.run('shutdown', vm.id, ctx.timings.guestShutdownMs);
    halt(ctx, vm);
    return false;
  }
  await ctx.jobs.run('shutdown-wait', vm.id, timeoutSeconds * 1000);
  if (!force) stop('guest_timeout', `guest did not shut down within ${timeoutSeconds} s`);
  halt(ctx, vm);
  return true;
}

export const powerHandlers: Record<string, Handler> = {
  'power-set': async (ctx, args) => {
    const vm = getVm(ctx, str(args, 'Id'));
    const timeout = num(args, 'TimeoutSeconds');
    const force = Boolean(args.Force);
    let forced = false;
    switch (str(args, 'Action')) {
      case 'start':
        boot(ctx, vm);
        break;
      case 'shutdown':
        forced = await shutdown(ctx, vm, timeout, force);
        break;
      case 'turnoff':
        if (vm.state !== 'Off') halt(ctx, vm);
        break;
      case 'restart':
        forced = await shutdown(ctx, vm, timeout, force);
        boot(ctx, vm);
        break;
      case 'save':
        if (vm.state === 'Running') halt(ctx, vm, 'Saved');
        break;
    }
    return { state: vm.state, forced };
  },
};
