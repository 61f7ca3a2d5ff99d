/** The Hyper-V driver: noun drivers composed over one SSH connection and one PowerShell runner. */
import type {
  CheckpointDriver,
  ClusterDriver,
  DiskDriver,
  GuestChannel,
  HostFacts,
  Hypervisor,
  ImageDriver,
  MediaDriver,
  NicDriver,
  PowerDriver,
} from '../types';
import { SshConnection, type SshConnectionOptions } from '../../transport/ssh-connection';
import { HyperVCheckpointDriver } from './checkpoint';
import { HyperVClusterDriver } from './cluster';
import { HyperVConsoleDriver } from './console';
import { HyperVDiskDriver } from './disk';
import { hostFacts } from './facts';
import { HyperVImageDriver } from './image';
import { guestAddresses, HyperVKvpChannel } from './kvp';
import { HyperVMediaDriver } from './media';
import { HyperVNicDriver } from './nic';
import { HyperVPowerDriver } from './power';
import { defaultHyperVSettings, HyperVSession, type HyperVSettings } from './session';
import { HyperVVmDriver } from './vm';

export class HyperVHypervisor implements Hypervisor {
  readonly type = 'hyperv' as const;
  readonly vms: HyperVVmDriver;
  readonly power: PowerDriver;
  readonly disks: DiskDriver;
  readonly nics: NicDriver;
  readonly images: ImageDriver;
  readonly media: MediaDriver;
  readonly checkpoints: CheckpointDriver;
  readonly cluster: ClusterDriver;
  readonly console: HyperVConsoleDriver;

  constructor(readonly session: HyperVSession) {
    this.vms = new HyperVVmDriver(session);
    this.power = new HyperVPowerDriver(session);
    this.disks = new HyperVDiskDriver(session, this.vms);
    this.nics = new HyperVNicDriver(session);
    this.images = new HyperVImageDriver(session);
    this.media = new HyperVMediaDriver(session);
    this.checkpoints = new HyperVCheckpointDriver(session, this.vms);
    this.cluster = new HyperVClusterDriver(session);
    this.console = new HyperVConsoleDriver(session);
  }

  static async connect(
    options: SshConnectionOptions,
    settings: Partial<HyperVSettings> = {},
  ): Promise<HyperVHypervisor> {
    const connection = await SshConnection.connect(options);
    return new HyperVHypervisor(new HyperVSession(connection, { ...defaultHyperVSettings, ...settings }));
  }

  facts(): Promise<HostFacts> {
    return hostFacts(this.session);
  }

  guestChannel(options: { readonly vmId: string }): GuestChannel {
    return new HyperVKvpChannel(this.session, options.vmId);
  }

  guestAddresses(options: { readonly vmId: string }): Promise<readonly string[]> {
    return guestAddresses(this.session, options.vmId);
  }

  /** Ends the runner's PowerShell process (stdin EOF), then the SSH connection. */
  async close(): Promise<void> {
    await this.session.runner.close();
    await this.session.connection.close();
  }
}
