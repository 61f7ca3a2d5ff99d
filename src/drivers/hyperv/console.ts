/**
 * A Hyper-V VM's console is Virtual Machine Connection (vmconnect.exe) on a Windows machine with the Hyper-V
 * management tools; it speaks RDP to the host's VMMS, which virtseal does not proxy. The driver says how to open it:
 * by the VM's id (`-G`), so no VM name is ever quoted into the command.
 */
import type { ConsoleDriver, ConsoleInfo } from '../types';
import type { HyperVSession } from './session';

export class HyperVConsoleDriver implements ConsoleDriver {
  constructor(private readonly session: HyperVSession) {}

  async describe(options: { readonly vmId: string }): Promise<ConsoleInfo> {
    const host = this.session.connection.options.host;
    return { kind: 'vmconnect', available: true, command: `vmconnect.exe ${host} -G ${options.vmId}` };
  }
}
