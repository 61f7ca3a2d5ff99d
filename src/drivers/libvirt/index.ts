/**
 * The libvirt driver: the same `Hypervisor` interfaces as Hyper-V, over argument vectors to virsh and qemu-img
 * run by a `CommandRunner` (locally, or on the host through SSH).
 */
import { type Clock, systemClock } from '../../core/clock';
import type { CommandRunner } from '../../transport/local-exec';
import type { GuestChannel, HostFacts, Hypervisor } from '../types';
import { LibvirtCheckpoints } from './checkpoint';
import { LibvirtCluster } from './cluster';
import { LibvirtConsole } from './console';
import type { LibvirtContext } from './context';
import { LibvirtDisks } from './disk';
import { detectDomainType, hostFacts } from './facts';
import { guestAddressesOf } from './guest-addresses';
import { QemuAgentChannel } from './guest-channel';
import { LibvirtImages } from './image';
import { LibvirtMedia } from './media';
import { LibvirtNics } from './nic';
import { LibvirtPower } from './power';
import { HostCommands } from './virsh';
import { LibvirtVms } from './vm';

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
  const host = new HostCommands({ runner: options.runner, ...(options.uri !== undefined ? { uri: options.uri } : {}) });
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
  readonly vms: LibvirtVms;
  readonly power: LibvirtPower;
  readonly disks: LibvirtDisks;
  readonly nics: LibvirtNics;
  readonly images: LibvirtImages;
  readonly media: LibvirtMedia;
  readonly checkpoints: LibvirtCheckpoints;
  readonly cluster = new LibvirtCluster();
  readonly console: LibvirtConsole;

  constructor(readonly ctx: LibvirtContext) {
    this.vms = new LibvirtVms(ctx);
    this.power = new LibvirtPower(ctx);
    this.disks = new LibvirtDisks(ctx);
    this.nics = new LibvirtNics(ctx);
    this.images = new LibvirtImages(ctx);
    this.media = new LibvirtMedia(ctx);
    this.checkpoints = new LibvirtCheckpoints(ctx);
    this.console = new LibvirtConsole(ctx);
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
