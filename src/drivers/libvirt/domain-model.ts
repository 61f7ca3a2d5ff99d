/**
 * virtseal's view of a libvirt domain: what the builder writes and the parser reads back. Facts libvirt has no
 * element for (disk and NIC names, owned disks, tags, stop action) travel in the domain's <metadata> under the
 * virtseal namespace, so a VM carries its own bookkeeping and no host-side database is needed.
 */
import type { MemorySpec } from '../types';

export const VIRTSEAL_NS = 'urn:virtseal:libvirt:1';
export const GUEST_AGENT_CHANNEL = 'org.qemu.guest_agent.0';

export interface DomainDisk {
  readonly name: string;
  /** Target device (vda, vdb, ... for disks; sda for the DVD). */
  readonly dev: string;
  readonly path: string;
  readonly format: 'qcow2' | 'raw';
  /** Created with the VM and deleted with it. */
  readonly owned: boolean;
}

export interface DomainNic {
  readonly name: string;
  readonly kind: 'network' | 'bridge';
  /** libvirt network name, or host bridge name when kind is bridge. */
  readonly source: string;
  readonly mac?: string;
  readonly staticMac: boolean;
  readonly vlanId?: number;
}

/** Direct kernel boot (images published with a `<name>.boot.json` sidecar; see docs/libvirt.md). */
export interface DirectBoot {
  readonly kernel: string;
  readonly initrd?: string;
  readonly cmdline?: string;
}

export interface DomainModel {
  readonly uuid: string;
  readonly name: string;
  /** `kvm` on hosts with working hardware virtualisation, `qemu` (TCG) elsewhere. */
  readonly type: 'kvm' | 'qemu';
  readonly cpuCount: number;
  readonly memory: MemorySpec;
  readonly generation: 1 | 2;
  readonly secureBoot: 'on' | 'off';
  readonly tpm: boolean;
  readonly bootOrder: readonly ('disk' | 'dvd' | 'network')[];
  readonly automaticStopAction?: string;
  readonly notes?: string;
  readonly tags: readonly string[];
  readonly disks: readonly DomainDisk[];
  readonly nics: readonly DomainNic[];
  /** ISO attached to the DVD drive (a DVD drive always exists, empty when undefined). */
  readonly dvd?: string;
  readonly directBoot?: DirectBoot;
  /** Serial console written to this host file (handy for debugging guests); a pty otherwise. */
  readonly consoleLog?: string;
}

/** The n-th virtio disk target: vda ... vdz, vdaa ... */
export function diskTarget(index: number): string {
  let name = '';
  let n = index;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `vd${name}`;
}

export function firstFreeTarget(used: readonly string[]): string {
  for (let i = 0; ; i++) {
    const dev = diskTarget(i);
    if (!used.includes(dev)) return dev;
  }
}

/** NicSpec.network: `bridge:br0` names a host bridge; `network:x` or a plain name a libvirt network. */
export function parseNetworkRef(network: string): { readonly kind: 'network' | 'bridge'; readonly source: string } {
  if (network.startsWith('bridge:')) return { kind: 'bridge', source: network.slice('bridge:'.length) };
  if (network.startsWith('network:')) return { kind: 'network', source: network.slice('network:'.length) };
  return { kind: 'network', source: network };
}

export function formatNetworkRef(nic: Pick<DomainNic, 'kind' | 'source'>): string {
  return nic.kind === 'bridge' ? `bridge:${nic.source}` : nic.source;
}
