/**
 * The Xen driver: XCP-ng and XenServer pools through XAPI's JSON-RPC API, with the same `Hypervisor` interfaces as
 * Hyper-V and libvirt. One XAPI session per driver, logged out by `close()`.
 */
import type { GuestChannel, HostFacts, Hypervisor } from '../types';
import { XenCheckpoints } from './checkpoint';
import { XapiClient } from './client';
import { XenCluster } from './cluster';
import { type XenContext, guestNetworks, makeContext, vmRef } from './context';
import { XenDisks } from './disk';
import { hostFacts } from './facts';
import { XenstoreChannel } from './guest-channel';
import { XenImages } from './image';
import { XenMedia } from './media';
import { XenNics } from './nic';
import { XenPower } from './power';
import { type XenSettings, checkXenSettings } from './settings';
import { XenVms } from './vm';
import type { Clock } from '../../core/clock';

export class XenHypervisor implements Hypervisor {
  readonly type = 'xen' as const;
  readonly vms: XenVms;
  readonly power: XenPower;
  readonly disks: XenDisks;
  readonly nics: XenNics;
  readonly images: XenImages;
  readonly media: XenMedia;
  readonly checkpoints: XenCheckpoints;
  readonly cluster: XenCluster;

  constructor(readonly ctx: XenContext) {
    this.vms = new XenVms(ctx);
    this.power = new XenPower(ctx);
    this.disks = new XenDisks(ctx);
    this.nics = new XenNics(ctx);
    this.images = new XenImages(ctx);
    this.media = new XenMedia(ctx);
    this.checkpoints = new XenCheckpoints(ctx);
    this.cluster = new XenCluster(ctx);
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
