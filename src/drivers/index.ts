/**
 * Builds the driver for a host connection. Modules see only `Hypervisor`; which implementation they hold depends on
 * `conn.hypervisor`. The connection is opened here and reused for every operation until `close()`.
 * Drivers are reached through ./loaders: static imports in tests and the CLI, loaded on first use in module bundles.
 */
import { Unsupported } from '../core/errors';
import { driverLoaders } from './loaders';
import type { HostConnectionOptions, Hypervisor } from './types';

export async function createHypervisor(conn: HostConnectionOptions): Promise<Hypervisor> {
  switch (conn.hypervisor) {
    case 'hyperv': {
      const { HyperVHypervisor } = await driverLoaders.hyperv();
      const { hypervisor: _type, libvirtUri: _uri, imageLibraryPath, ...ssh } = conn;
      return HyperVHypervisor.connect(ssh, imageLibraryPath ? { imageLibraryPath } : {});
    }
    case 'libvirt': {
      const { connectLibvirt } = await driverLoaders.libvirt();
      return connectLibvirt(conn);
    }
    default:
      throw new Unsupported(`hypervisor ${String(conn.hypervisor)} is not supported by this build`);
  }
}
