/**
 * The Xen driver: XCP-ng and XenServer pools through XAPI's JSON-RPC API, with the same `Hypervisor` interfaces as
 * Hyper-V and libvirt. One XAPI session per driver, logged out by `close()`.
 */
import type { GuestChannel, HostFacts, Hypervisor } from '../types';
import { XenCheckpointDriver } from './checkpoint';
import { XapiClient } from './client';
import { XenClusterDriver } from './cluster';
import { type XenContext, guestNetworks, makeContext, vmRef } from './context';
import { XenDiskDriver } from './disk';
import { hostFacts } from './facts';
import { XenstoreChannel } from './guest-channel';
import { XenImageDriver } from './image';
import { XenMediaDriver } from './media';
import { XenNicDriver } from './nic';
import { XenPowerDriver } from './power';
import { type XenSettings, checkXenSettings } from './settings';
import { XenVmDriver } from './vm';
import type { Clock } from '../../core/clock';

export class XenHypervisor implements Hypervisor {
  readonly type = 'xen' as const;
  readonly vms: XenVmDriver;
  readonly power: XenPowerDriver;
  readonly disks: XenDiskDriver;
  readonly nics: XenNicDriver;
  readonly images: XenImageDriver;
  readonly media: XenMediaDriver;
  readonly checkpoints: XenCheckpointDriver;
  readonly cluster: XenClusterDriver;

  constructor(readonly ctx: XenContext) {
    this.vms = new XenVmDriver(ctx);
    this.power = new XenPowerDriver(ctx);
    this.disks = new XenDiskDriver(ctx);
    this.nics = new XenNicDriver(ctx);
    this.images = new XenImageDriver(ctx);
    this.media = new XenMediaDriver(ctx);
    this.checkpoints = new XenCheckpointDriver(ctx);
    this.cluster = new XenClusterDriver(ctx);
  }

  static async connect(settings: XenSettings, clock?: Clock): Promise<XenHypervisor> {
    const checked = checkXenSettings(settings);
    const client = await XapiClient.connect(checked);
    return new XenHypervisor(makeContext(client, checked, clock));
  }

  facts(): Promise<HostFacts> {
    return hostFacts(this.ctx);
  }

  guestChannel(options: { readonly vmId: string }): GuestChannel {
    return new XenstoreChannel(this.ctx, options.vmId);
  }

  async guestAddresses(options: { readonly vmId: string }): Promise<readonly string[]> {
    const vm = await this.ctx.client.call('VM.get_record', await vmRef(this.ctx, options.vmId));
    return [...(await guestNetworks(this.ctx, vm)).values()].flat();
  }

  close(): Promise<void> {
    return this.ctx.client.close();
  }
}
