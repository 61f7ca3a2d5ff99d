/**
 * What the Hyper-V host itself limits, checked before a value reaches it. Option limits (counts, sizes, ranges) live
 * in the module schemas and are not repeated here. Each failure names the field of the spec the driver was given
 * (`disks[0].name`); the service maps it to its module's option. Values stay data either way.
 */
import { InvalidArgument } from '../../core/errors';
import type { DiskSpec, MemorySpec, NicSpec } from '../types';

/** Hyper-V refuses VM names over 100 characters. */
export function checkVmName(name: string, field = 'name'): void {
  if (typeof name !== 'string' || name.trim() === '') throw new InvalidArgument('the VM name must not be empty', field);
  if ([...name].length > 100) throw new InvalidArgument("the VM name is longer than Hyper-V's 100 characters", field);
}

/** A plain file name: disks become `<name>.vhdx` in the VM's folder, images `<name>.vhdx` in the library. */
function checkFileName(name: string, what: string, field: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.includes('..')) {
    throw new InvalidArgument(
      `${what} ${JSON.stringify(name.slice(0, 50))} must be a plain file name (letters, digits, . _ -)`,
      field,
    );
  }
}

export function checkDiskName(name: string, field = 'name'): void {
  checkFileName(name, 'disk name', field);
}

/** Hyper-V assigns memory in 2 MB steps and refuses other sizes ("The memory value assigned ... is not properly aligned"). */
export function checkMemory(memory: Partial<MemorySpec>, field = 'memory'): void {
  for (const key of ['startupMb', 'minimumMb', 'maximumMb'] as const) {
    const value = memory[key];
    if (value !== undefined && value % 2 !== 0) {
      throw new InvalidArgument(
        `memory sizes must be an even number of MiB (Hyper-V assigns memory in 2 MB steps), got ${value}`,
        `${field}.${key}`,
      );
    }
  }
}

export function checkImageName(name: string, field = 'name'): void {
  checkFileName(name, 'image name', field);
}

export function checkDisk(disk: DiskSpec, field = 'disk'): void {
  checkDiskName(disk.name, `${field}.name`);
  if (disk.image !== undefined) checkImageName(disk.image, `${field}.image`);
}

/** A switch name and a MAC Hyper-V can parse (it takes 12 hex digits; the spec may use any separator). */
export function checkNic(nic: NicSpec, field = 'nic'): void {
  if (!nic.network) throw new InvalidArgument('a network adapter needs a virtual switch', `${field}.network`);
  if (nic.mac !== undefined && !/^([0-9A-Fa-f]{2}[:-]?){5}[0-9A-Fa-f]{2}$/.test(nic.mac)) {
    throw new InvalidArgument('a MAC address looks like 00:15:5d:01:02:03', `${field}.mac`);
  }
}
