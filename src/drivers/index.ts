/**
 * Builds the driver for a host connection. Modules see only `Hypervisor`; which implementation they hold depends on
 * `conn.hypervisor`. The connection is opened here and reused for every operation until `close()`.
 */
// Static imports only: a dynamic import() loads a second copy of core/errors when a test runs under CommonJS, and
// `instanceof VirtsealError` then fails at the module boundary.
import { Unsupported } from '../core/errors';
import { HyperVHypervisor } from './hyperv/index';
import { connectLibvirt } from './libvirt/connect';
import type { HostConnectionOptions, Hypervisor } from './types';

export async function createHypervisor(conn: HostConnectionOptions): Promise<Hypervisor> {
  switch (conn.hypervisor) {
    case 'hyperv': {
      const { hypervisor: _type, libvirtUri: _uri, imageLibraryPath, ...ssh } = conn;
      return HyperVHypervisor.connect(ssh, imageLibraryPath ? { imageLibraryPath } : {});
    }
    case 'libvirt': {
      return connectLibvirt(conn);
    }
    default:
      throw new Unsupported(`hypervisor ${String(conn.hypervisor)} is not supported by this build`);
  }
}
