/**
 * From a host connection to the Hyper-V driver: PowerShell over virtseal's SSH connection. Setting
 * `image_library_path` moves the image library (default C:\ProgramData\virtseal\images).
 */
import { InvalidArgument } from '../../core/errors';
import type { HostConnection, Hypervisor } from '../types';
import { HyperVHypervisor } from './index';

export async function connect(connection: HostConnection): Promise<Hypervisor> {
  if (!connection.ssh)
    throw new InvalidArgument('a Hyper-V host is reached over SSH: set host to its name or address, not local', 'host');
  const library = connection.settings.image_library_path;
  return HyperVHypervisor.connect(connection.ssh, library === undefined ? {} : { imageLibraryPath: String(library) });
}
