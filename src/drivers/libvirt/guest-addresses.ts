import type { LibvirtContext } from './context';

interface AgentInterface {
  readonly name: string;
  readonly 'hardware-address'?: string;
  readonly 'ip-addresses'?: readonly { readonly 'ip-address-type': string; readonly 'ip-address': string; readonly prefix: number }[];
}

/** Addresses the guest agent reports, without loopback and IPv6 link-local ones. */
export async function guestAddressesOf(ctx: LibvirtContext, id: string): Promise<string[]> {
  const ifaces = await ctx.host.agent<AgentInterface[]>(id, { execute: 'guest-network-get-interfaces' }, 5);
  return usableAddresses(ifaces);
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
