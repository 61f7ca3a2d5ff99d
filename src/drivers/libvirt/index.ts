/**
 * The libvirt driver: the same `Hypervisor` interfaces as Hyper-V, over argument vectors to virsh and qemu-img
 * run by a `CommandRunner` (locally, or on the host through SSH).
 */
import { type Clock, systemClock } from '../../core/clock';
import type { CommandRunner } from '../../transport/local-exec';
import type { GuestChannel, HostFacts, Hypervisor } from '../types';
import { LibvirtCheckpointDriver } from './checkpoint';
import { LibvirtClusterDriver } from './cluster';
import { LibvirtConsoleDriver } from './console';
import type { LibvirtContext } from './context';
import { LibvirtDiskDriver } from './disk';
import { detectDomainType, hostFacts } from './facts';
import { guestAddressesOf } from './guest-addresses';
import { QemuAgentChannel } from './guest-channel';
import { LibvirtImageDriver } from './image';
import { LibvirtMediaDriver } from './media';
import { LibvirtNicDriver } from './nic';
import { LibvirtPowerDriver } from './power';
import { HostCommands } from './virsh';
import { LibvirtVmDriver } from './vm';

export interface LibvirtDriverOptions {
  readonly runner: CommandRunner;
  /** Default qemu:///system. */
  readonly uri?: string;
  /** Storage pool directory on the host. Default /var/lib/libvirt/images/virtseal. */
  readonly poolPath?: string;
  /** Domain type; detected from the host's CPU flags when absent. */
  readonly domainType?: 'kvm' | 'qemu';
  /** Write each VM's serial console to `<dir>/<uuid>.log` on the host. */
  readonly consoleLogDir?: string;
  /** Guest directory of the sealed-exchange pool files. Default /var/lib/virtseal/kvp. */
  readonly guestKvpDir?: string;
  readonly clock?: Clock;
}

export const DEFAULT_POOL_PATH = '/var/lib/libvirt/images/virtseal';
export const DEFAULT_GUEST_KVP_DIR = '/var/lib/virtseal/kvp';

export async function createLibvirtHypervisor(options: LibvirtDriverOptions): Promise<Hypervisor> {
  const host = new HostCommands({ runner: options.runner, uri: options.uri });
  const ctx: LibvirtContext = {
    host,
    poolPath: options.poolPath ?? DEFAULT_POOL_PATH,
    domainType: options.domainType ?? (await detectDomainType({ host })),
    ...(options.consoleLogDir !== undefined ? { consoleLogDir: options.consoleLogDir } : {}),
    guestKvpDir: options.guestKvpDir ?? DEFAULT_GUEST_KVP_DIR,
    clock: options.clock ?? systemClock,
  };
  return new LibvirtHypervisor(ctx);
}

export class LibvirtHypervisor implements Hypervisor {
  readonly type = 'libvirt' as const;
  readonly vms: LibvirtVmDriver;
  readonly power: LibvirtPowerDriver;
  readonly disks: LibvirtDiskDriver;
  readonly nics: LibvirtNicDriver;
  readonly images: LibvirtImageDriver;
  readonly media: LibvirtMediaDriver;
  readonly checkpoints: LibvirtCheckpointDriver;
  readonly cluster = new LibvirtClusterDriver();
  readonly console: LibvirtConsoleDriver;

  constructor(readonly ctx: LibvirtContext) {
    this.vms = new LibvirtVmDriver(ctx);
    this.power = new LibvirtPowerDriver(ctx);
    this.disks = new LibvirtDiskDriver(ctx);
    this.nics = new LibvirtNicDriver(ctx);
    this.images = new LibvirtImageDriver(ctx);
    this.media = new LibvirtMediaDriver(ctx);
    this.checkpoints = new LibvirtCheckpointDriver(ctx);
    this.console = new LibvirtConsoleDriver(ctx);
  }

  facts(): Promise<HostFacts> {
    return hostFacts(this.ctx);
  }

  guestChannel(options: { readonly vmId: string }): GuestChannel {
    return new QemuAgentChannel(this.ctx, options.vmId);
  }

  guestAddresses(options: { readonly vmId: string }): Promise<readonly string[]> {
    return guestAddressesOf(this.ctx, options.vmId);
  }

  async close(): Promise<void> {
    await this.ctx.host.runner.close();
  }
}
