/**
 * Renders guest_config NICs as a cloud-init network-config version 2 document, which the Linux agent hands to
 * cloud-init so the distro's own renderer (netplan, NetworkManager, sysconfig, networkd) writes the files.
 */
import { stringify } from 'yaml';
import type { GuestNicConfig } from './guest-config';

export function renderNetworkConfig(nics: readonly GuestNicConfig[]): string | undefined {
  if (nics.length === 0) return undefined;
  const ethernets: Record<string, unknown> = {};
  nics.forEach((nic, i) => {
    const eth: Record<string, unknown> = {
      match: nic.mac ? { macaddress: nic.mac.toLowerCase().replace(/-/g, ':') } : { name: 'e*' },
    };
    const addresses = [nic.ipv4_address, nic.ipv6_address].filter((a): a is string => !!a);
    eth.dhcp4 = nic.ipv4_address ? false : nic.dhcp4 ?? true;
    if (nic.dhcp6 || nic.ipv6_address) eth.dhcp6 = !!nic.dhcp6 && !nic.ipv6_address;
    if (addresses.length) eth.addresses = addresses;
    const routes = [nic.ipv4_gateway, nic.ipv6_gateway]
      .filter((g): g is string => !!g)
      .map((via) => ({ to: via.includes(':') ? '::/0' : '0.0.0.0/0', via }));
    if (routes.length) eth.routes = routes;
    const nameservers: Record<string, unknown> = {};
    if (nic.dns_servers?.length) nameservers.addresses = [...nic.dns_servers];
    if (nic.search_domains?.length) nameservers.search = [...nic.search_domains];
    if (Object.keys(nameservers).length) eth.nameservers = nameservers;
    ethernets[`nic${i}`] = eth;
  });
  return stringify({ version: 2, ethernets }, { lineWidth: 0 });
}
