/**
 * Renders guest_config NICs as a cloud-init network-config version 2 document, which the Linux agent hands to
 * cloud-init so the distro's own renderer (netplan, NetworkManager, sysconfig, networkd) writes the files.
 */
import { stringify } from 'yaml';
import type { GuestNicConfig } from './guest-config';
import { isUnsetMac, normalizeMac } from '../core/mac';

export function renderNetworkConfig(nics: readonly GuestNicConfig[]): string | undefined {
  if (nics.length === 0) return undefined;
  const ethernets: Record<string, unknown> = {};
  nics.forEach((nic, i) => {
    const eth: Record<string, unknown> = {
      match: nic.mac ? { macaddress: nic.mac.toLowerCase().replace(/-/g, ':') } : { name: 'e*' },
    };
    const addresses = [nic.ipv4_address, nic.ipv6_address].filter((a): a is string => !!a);
    eth.dhcp4 = nic.ipv4_address ? false : (nic.dhcp4 ?? true);
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

/**
 * Binds a config's only NIC to the VM's only network adapter by MAC. Distro renderers that take cloud-init's v2
 * config through its v1 model (networkd, eni, sysconfig in cloud-init 22.x) drop a `match: name` glob and key the
 * interface by its id, so a MAC is the one match every renderer honours. The host reads the MAC after the VM has
 * started (Hyper-V assigns a dynamic MAC at first start). Anything else is returned unchanged.
 */
export function bindOnlyNic(config: unknown, vmMacs: readonly string[]): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const c = config as { readonly nics?: unknown; readonly protocol?: unknown };
  if (c.protocol === 'hlvmm-v1' || !Array.isArray(c.nics) || c.nics.length !== 1) return config;
  const nic: unknown = c.nics[0];
  if (typeof nic !== 'object' || nic === null || (nic as { mac?: unknown }).mac !== undefined) return config;
  const macs = vmMacs.filter((m) => m && !isUnsetMac(m));
  if (vmMacs.length !== 1 || macs.length !== 1) return config;
  return { ...c, nics: [{ ...nic, mac: normalizeMac(macs[0]!) }] };
}
