/**
 * The driver registry: the one place a hypervisor kind is tied to its implementation. Adding a hypervisor is the
 * schema enum (src/schemas/fragments/connection.schema.json), one line here and the driver's folder, whose
 * `connect.ts` exports `connect` (see docs/drivers.md). The table is typed on the schema enum, so an enum value
 * without a line here does not compile.
 *
 * Each driver is imported on first use: a Hyper-V call never evaluates the libvirt driver, and a bad-argument call
 * evaluates neither, nor the libraries behind them (ssh2, xmlbuilder2...). Errors stay recognisable across module
 * instances through their brand (core/errors.ts), so tests and the CLI use the same table as the module bundles.
 */
import { Unsupported } from '../core/errors';
import type { HostConnection, Hypervisor, HypervisorType } from './types';

/** The disk format a hypervisor's image library holds; images are converted to it on the controller. */
export type LibraryFormat = 'vhdx' | 'qcow2' | 'raw';

/** A registry line: what is known of a driver without loading it, and how to load it. */
export interface DriverLine {
  readonly libraryFormat: LibraryFormat;
  readonly load: () => Promise<DriverEntry>;
}

/** What a driver folder's `connect.ts` exports. */
export interface DriverEntry {
  /** Opens the host (one connection, reused until `close()`); validates the driver's own settings first. */
  connect(connection: HostConnection): Promise<Hypervisor>;
}

export const drivers: { readonly [H in HypervisorType]: DriverLine } = {
  hyperv: { libraryFormat: 'vhdx', load: () => import('./hyperv/connect') },
  libvirt: { libraryFormat: 'qcow2', load: () => import('./libvirt/connect') },
  xen: { libraryFormat: 'raw', load: () => import('./xen/connect') },
};

export function isHypervisorType(value: string): value is HypervisorType {
  return Object.hasOwn(drivers, value);
}

/** Opens the driver the connection names. Modules and services only ever see the `Hypervisor` it returns. */
export async function openHypervisor(connection: HostConnection): Promise<Hypervisor> {
  if (!isHypervisorType(connection.hypervisor)) {
    throw new Unsupported(`hypervisor ${String(connection.hypervisor)} is not supported by this build`);
  }
  const entry = await drivers[connection.hypervisor].load();
  return entry.connect(connection);
}
