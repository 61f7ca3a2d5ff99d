/** How a person reaches a VM's console, in the module's snake_case. */
import { VirtsealError } from '../core/errors';
import type { Hypervisor } from '../drivers/types';
import { requireVm } from './vm-lookup';

export interface VmConsoleResult {
  readonly console: {
    readonly kind: string;
    readonly available: boolean;
    readonly reason?: string;
    readonly host: string;
    readonly listen?: string;
    readonly port?: number;
    readonly serial_pty?: string;
    readonly command: string;
  };
}

export async function describeConsole(hv: Hypervisor, name: string, host: string): Promise<VmConsoleResult> {
  if (hv.console === undefined)
    throw new VirtsealError('unsupported', `the ${hv.type} driver cannot describe consoles`);
  const vm = await requireVm(hv, name);
  const info = await hv.console.describe({ vmId: vm.id });
  return {
    console: {
      kind: info.kind,
      available: info.available,
      ...(info.reason !== undefined && { reason: info.reason }),
      host,
      ...(info.listen !== undefined && { listen: info.listen }),
      ...(info.port !== undefined && { port: info.port }),
      ...(info.serialPty !== undefined && { serial_pty: info.serialPty }),
      command: info.command,
    },
  };
}
