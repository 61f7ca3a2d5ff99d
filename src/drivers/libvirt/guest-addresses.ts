import type { LibvirtContext } from './context';
import { GuestAgentUnavailable } from './virsh';

interface AgentInterface {
  readonly name: string;
  readonly 'hardware-address'?: string;
  readonly 'ip-addresses'?: readonly {
    readonly 'ip-address-type': string;
    readonly 'ip-address': string;
    readonly prefix: number;
  }[];
}

/** Addresses the guest agent reports; none while the agent is not up yet (booting, or no qemu-ga). */
export async function guestAddressesOf(ctx: LibvirtContext, id: string): Promise<string[]> {
  try {
    const ifaces = await ctx.host.agent<AgentInterface[]>(id, { execute: 'guest-network-get-interfaces' }, 5);
    return usableAddresses(ifaces);
  } catch (e) {
    if (e instanceof GuestAgentUnavailable) return [];
    throw e;
  }
}

export function usableAddresses(ifaces: readonly AgentInterface[]): string[] {
  const out: string[] = [];
  for (const i of ifaces) {
    if (i.name === 'lo') continue;
    for (const a of i['ip-addresses'] ?? []) {
      const ip = a['ip-address'];
      if (ip.startsWith('127.') || ip === '::1' || ip.toLowerCase().startsWith('fe80:')) continue;
      out.push(ip);
    }
  }
  return out;
}
